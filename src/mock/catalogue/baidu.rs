//! The Baidu BCC catalogue: ~2,700 images over all ten image types, plus the instance specs that
//! `getAvailableImagesBySpec` knows. Pure data: knows nothing of HTTP, paging or signatures.

use super::rng::{rfc3339_z, unix, Rng, ALNUM};

/// One image as `GET /v2/image` returns it (seed 001, `ImageModel`).
#[derive(Debug, Clone, PartialEq)]
pub struct BaiduRecord {
    pub id: String,
    pub name: String,
    /// One of [`BAIDU_IMAGE_TYPES`].
    pub image_type: &'static str,
    /// `linux` or `windows`.
    pub os_type: &'static str,
    pub os_version: String,
    pub os_name: &'static str,
    pub os_build: String,
    /// `x86_64 (64bit)`, `i386 (32bit)` or `aarch64 (64bit)`.
    pub os_arch: &'static str,
    /// `ENG` or `CHS`.
    pub os_lang: &'static str,
    /// Available, Creating, CreateFailed, NotAvailable (bce-sdk-go's `ImageStatus` values).
    pub status: &'static str,
    /// Unix seconds; several images share a second on purpose (id tie-breaks).
    pub created: i64,
    /// `createTime` on the wire: `2015-06-17T10:37:02Z`.
    pub create_time: String,
    /// `desc`; `None` is sent as JSON null, as in the seed.
    pub desc: Option<String>,
    /// `minSizeInGiB` of the spec API; also `minDiskGb` and the deprecated `diskSize`.
    pub min_size_gib: u32,
    /// `specialVersion`: empty, or e.g. `financial_safty` for hardened builds.
    pub special_version: &'static str,
    /// `package`: a "big image" that brings data-disk snapshots along (`snapshots`).
    pub package: bool,
    pub encrypted: bool,
    /// `snapshots`: the data disks of a package image.
    pub snapshots: Vec<BaiduSnapshot>,
    /// `shareToUserNumLimit` / `sharedToUserNum` (custom images only; 0 elsewhere).
    pub share_to_user_num_limit: u32,
    pub shared_to_user_num: u32,
}

/// One `SnapshotModel` of a package image.
#[derive(Debug, Clone, PartialEq)]
pub struct BaiduSnapshot {
    pub id: String,
    pub name: String,
    pub size_in_gb: u32,
    /// Unix seconds (`createTime`).
    pub created: i64,
    pub volume_id: String,
}

/// An instance spec and the public images that run on it, in API order.
#[derive(Debug, Clone, PartialEq)]
pub struct BaiduSpec {
    pub spec: &'static str,
    pub image_ids: Vec<String>,
}

/// The ten `imageType` values of seed 001, in the API's spelling.
pub const BAIDU_IMAGE_TYPES: [&str; 10] = [
    "All",
    "System",
    "BbcSystem",
    "Custom",
    "Integration",
    "Sharing",
    "GpuBccSystem",
    "GpuBccCustom",
    "FpgaBccSystem",
    "FpgaBccCustom",
];

pub(crate) const X86: &str = "x86_64 (64bit)";
pub(crate) const I386: &str = "i386 (32bit)";
pub(crate) const ARM: &str = "aarch64 (64bit)";

/// (osName, osType, osVersion, arches, first year it appears).
const OSES: &[(&str, &str, &str, &[&str], i32)] = &[
    ("Ubuntu", "linux", "16.04 LTS", &[X86, I386], 2016),
    ("Ubuntu", "linux", "18.04 LTS", &[X86], 2018),
    ("Ubuntu", "linux", "20.04 LTS", &[X86, ARM], 2020),
    ("Ubuntu", "linux", "22.04 LTS", &[X86, ARM], 2022),
    ("Ubuntu", "linux", "24.04 LTS", &[X86, ARM], 2024),
    ("CentOS", "linux", "6.5", &[X86, I386], 2015),
    ("CentOS", "linux", "6.8", &[X86], 2016),
    ("CentOS", "linux", "6.10", &[X86], 2018),
    ("CentOS", "linux", "7.2", &[X86], 2016),
    ("CentOS", "linux", "7.5", &[X86], 2018),
    ("CentOS", "linux", "7.6", &[X86, ARM], 2019),
    ("CentOS", "linux", "7.9", &[X86, ARM], 2020),
    ("CentOS", "linux", "8.0", &[X86], 2019),
    ("CentOS", "linux", "8.2", &[X86], 2020),
    ("CentOS", "linux", "8.4", &[X86], 2021),
    ("Rocky Linux", "linux", "8.6", &[X86], 2022),
    ("Rocky Linux", "linux", "9.2", &[X86, ARM], 2023),
    ("Rocky Linux", "linux", "9.4", &[X86], 2024),
    ("AlmaLinux", "linux", "8.8", &[X86], 2023),
    ("AlmaLinux", "linux", "9.3", &[X86], 2024),
    ("Debian", "linux", "9.13", &[X86], 2019),
    ("Debian", "linux", "10.13", &[X86], 2020),
    ("Debian", "linux", "11.7", &[X86, ARM], 2022),
    ("Debian", "linux", "12.5", &[X86, ARM], 2024),
    (
        "Windows Server",
        "windows",
        "2012 R2 Datacenter",
        &[X86],
        2015,
    ),
    ("Windows Server", "windows", "2016 Datacenter", &[X86], 2017),
    ("Windows Server", "windows", "2019 Datacenter", &[X86], 2019),
    ("Windows Server", "windows", "2022 Datacenter", &[X86], 2022),
    ("OpenCloudOS", "linux", "8.6", &[X86], 2022),
    ("OpenCloudOS", "linux", "9.0", &[X86, ARM], 2023),
    ("BaiduLinux", "linux", "3.0", &[X86], 2021),
    ("openEuler", "linux", "20.03 LTS", &[X86, ARM], 2021),
    ("openEuler", "linux", "22.03 LTS", &[X86, ARM], 2022),
    ("Anolis OS", "linux", "8.6", &[X86], 2022),
    ("Anolis OS", "linux", "8.8", &[X86, ARM], 2023),
];

const APPS: &[&str] = &[
    "web", "api", "worker", "redis", "nginx", "mysql", "kafka", "etl", "gateway", "jenkins",
    "search", "billing",
];
const CUDA: &[&str] = &["CUDA10.2", "CUDA11.4", "CUDA11.8", "CUDA12.1", "CUDA12.4"];
const SOFTWARE: &[&str] = &[
    "Docker CE 24.0",
    "LAMP (PHP 8.1)",
    "LNMP 1.9",
    "Node.js 20",
    "Java 17 + Tomcat 10",
    "MySQL 8.0",
    "WordPress 6.4",
    "GitLab CE 16",
];
const TEAMS: &[&str] = &["infra", "data", "ml", "sec", "payments"];

/// Builds the catalogue; deterministic (seeded), called once through `OnceLock`.
pub(crate) fn build() -> (Vec<BaiduRecord>, Vec<BaiduSpec>) {
    let mut rng = Rng::new(0xBA1D_0001);
    let mut images = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let start = unix(2015, 1, 1);

    // Public images: a few builds of every OS/arch, newest builds latest.
    for &(os_name, os_type, version, arches, year) in OSES {
        for &arch in arches {
            let builds = 3 + rng.below(3) as i64;
            for b in 0..builds {
                let from = unix(year, 1, 1).max(start) + b * 200 * 86_400;
                let created = rng.range(from, from + 150 * 86_400).min(unix(2025, 6, 30));
                let ty = if rng.chance(20) && arch != I386 {
                    "BbcSystem"
                } else {
                    "System"
                };
                let name = system_name(&mut rng, os_name, version, arch, created);
                images.push(record(
                    &mut rng,
                    &mut seen,
                    name,
                    ty,
                    (os_name, os_type, version, arch),
                    created,
                    None,
                ));
            }
            if arch == X86
                && os_type == "linux"
                && matches!(os_name, "Ubuntu" | "CentOS" | "Rocky Linux")
            {
                for cuda in CUDA.iter().take(2 + rng.below(3) as usize) {
                    let created = rng.range(unix(year, 3, 1), unix(2025, 5, 1));
                    let name = format!(
                        "{version} {} (64bit)-{cuda}",
                        if os_name == "Ubuntu" {
                            "amd64"
                        } else {
                            "x86_64"
                        }
                    );
                    let name = format!("{os_name} {name}");
                    images.push(record(
                        &mut rng,
                        &mut seen,
                        name,
                        "GpuBccSystem",
                        (os_name, os_type, version, arch),
                        created,
                        Some("GPU driver and CUDA preinstalled".into()),
                    ));
                }
            }
            if arch == X86 && os_name == "CentOS" && version.starts_with('7') {
                let created = rng.range(unix(2019, 1, 1), unix(2024, 1, 1));
                let name = format!("FPGA {os_name} {version} x86_64 (64bit) [Xilinx]");
                images.push(record(
                    &mut rng,
                    &mut seen,
                    name,
                    "FpgaBccSystem",
                    (os_name, os_type, version, arch),
                    created,
                    None,
                ));
            }
        }
    }
    let public: Vec<BaiduRecord> = images.clone();
    let linux_public: Vec<&BaiduRecord> = public.iter().filter(|r| r.os_type == "linux").collect();

    // Account images built from the public ones.
    let derived = |rng: &mut Rng,
                   ty: &'static str,
                   count: usize,
                   images: &mut Vec<BaiduRecord>,
                   seen: &mut std::collections::HashSet<String>| {
        for i in 0..count {
            let base = if rng.chance(85) {
                *rng.pick(&linux_public)
            } else {
                rng.pick(&public)
            };
            let os = (
                base.os_name,
                base.os_type,
                base.os_version.as_str(),
                base.os_arch,
            );
            let created = rng.range(base.created, unix(2025, 6, 30).max(base.created));
            let name = custom_name(rng, ty, i, created, base);
            let desc = match rng.below(4) {
                0 => None,
                1 => Some(String::new()),
                _ => Some(format!("built by pipeline #{}", 1000 + rng.below(9000))),
            };
            let mut r = record(rng, seen, name, ty, os, created, desc);
            r.status = match rng.below(40) {
                0 => "Creating",
                1 => "CreateFailed",
                2 => "NotAvailable",
                _ => "Available",
            };
            images.push(r);
        }
    };
    derived(&mut rng, "Custom", 2000, &mut images, &mut seen);
    derived(&mut rng, "Sharing", 200, &mut images, &mut seen);
    derived(&mut rng, "Integration", 80, &mut images, &mut seen);
    derived(&mut rng, "GpuBccCustom", 100, &mut images, &mut seen);
    derived(&mut rng, "FpgaBccCustom", 20, &mut images, &mut seen);

    // Equal creation times on purpose: every 97th image shares its predecessor's second.
    for i in (97..images.len()).step_by(97) {
        let (t, s) = (images[i - 1].created, images[i - 1].create_time.clone());
        images[i].created = t;
        images[i].create_time = s;
    }
    // Fields derived from what is already drawn (no further random draws, so the rest stays put).
    for (i, r) in images.iter_mut().enumerate() {
        let custom = r.image_type.ends_with("Custom");
        r.encrypted = custom && i % 13 == 0;
        if custom {
            r.share_to_user_num_limit = 10;
            r.shared_to_user_num = (i % 4) as u32;
        }
        if custom && i % 17 == 0 {
            r.package = true;
            r.snapshots = (0..1 + i % 2)
                .map(|d| BaiduSnapshot {
                    id: format!("s-{}{d}", &r.id[2..]),
                    name: format!("{}-data{d}", r.id),
                    size_in_gb: 50 * (d as u32 + 1),
                    created: r.created,
                    volume_id: format!("v-{}{d}", &r.id[2..]),
                })
                .collect();
        }
        if r.image_type == "System" && r.os_name == "CentOS" && i % 9 == 0 {
            r.special_version = "financial_safty";
        }
    }
    rng.shuffle(&mut images);
    let specs = specs(&images);
    (images, specs)
}

fn record(
    rng: &mut Rng,
    seen: &mut std::collections::HashSet<String>,
    name: String,
    image_type: &'static str,
    (os_name, os_type, version, arch): (&'static str, &'static str, &str, &'static str),
    created: i64,
    desc: Option<String>,
) -> BaiduRecord {
    let id = loop {
        let id = format!("m-{}", rng.token(ALNUM, 8));
        if seen.insert(id.clone()) {
            break id;
        }
    };
    let build_day = chrono::DateTime::from_timestamp(created, 0)
        .map(|t| t.format("%Y%m%d").to_string())
        .unwrap_or_default();
    BaiduRecord {
        id,
        name,
        image_type,
        os_type,
        os_version: version.to_string(),
        os_name,
        os_build: format!("{build_day}{:02}", rng.below(10)),
        os_arch: arch,
        os_lang: if os_type == "windows" && rng.chance(50) {
            "CHS"
        } else {
            "ENG"
        },
        status: "Available",
        created,
        create_time: rfc3339_z(created),
        desc,
        min_size_gib: if os_type == "windows" { 40 } else { 20 },
        special_version: "",
        package: false,
        encrypted: false,
        snapshots: Vec::new(),
        share_to_user_num_limit: 0,
        shared_to_user_num: 0,
    }
}

fn system_name(rng: &mut Rng, os: &str, version: &str, arch: &str, created: i64) -> String {
    let short = version.split(' ').next().unwrap_or(version);
    let stamp = chrono::DateTime::from_timestamp(created, 0)
        .map(|t| t.format("%Y%m%d%H%M").to_string())
        .unwrap_or_default();
    let amd = if arch == X86 {
        "amd64"
    } else if arch == ARM {
        "arm64"
    } else {
        "i386"
    };
    match (os, rng.below(3)) {
        ("Ubuntu", 0) => format!("ubuntu-{short}-server-{amd}-{stamp}"),
        ("Windows Server", _) => format!(
            "Windows Server {version} 64bit{}",
            if rng.chance(50) {
                " 中文版"
            } else {
                " (EN)"
            }
        ),
        (_, 1) => format!("{os} {version} {arch}"),
        _ => format!("{os} {short} {}", arch.split(' ').next().unwrap_or(arch)),
    }
}

fn custom_name(rng: &mut Rng, ty: &str, i: usize, created: i64, base: &BaiduRecord) -> String {
    let app = rng.pick(APPS);
    let date = chrono::DateTime::from_timestamp(created, 0)
        .map(|t| t.format("%Y%m%d").to_string())
        .unwrap_or_default();
    let short = base.os_version.split(' ').next().unwrap_or("");
    match ty {
        "Integration" => format!("{} on {} {short}", rng.pick(SOFTWARE), base.os_name),
        "Sharing" => format!("shared-{}-{app}-{i}", rng.pick(TEAMS)),
        "GpuBccCustom" => format!("[GPU] {app} trainer {} {i}", rng.pick(CUDA)),
        "FpgaBccCustom" => format!("fpga.{app}.{i}"),
        _ => match i % 6 {
            0 => format!(
                "{app}-v{}.{}.{}",
                rng.below(4),
                rng.below(20),
                rng.below(10)
            ),
            1 => format!("{app}+envoy-{date}-{i}"),
            2 => format!("{app} (64bit) golden {date}"),
            3 => format!(
                "{app}.{}.{i}",
                if rng.chance(50) { "prod" } else { "staging" }
            ),
            4 => format!("ci-{app}-{date}-{i}"),
            _ => format!("{} {short} {app} base {i}", base.os_name),
        },
    }
}

fn specs(images: &[BaiduRecord]) -> Vec<BaiduSpec> {
    let public = |r: &&BaiduRecord| {
        r.status == "Available" && matches!(r.image_type, "System" | "GpuBccSystem")
    };
    let ids = |pred: &dyn Fn(&BaiduRecord) -> bool| -> Vec<String> {
        images
            .iter()
            .filter(public)
            .filter(|r| pred(r))
            .map(|r| r.id.clone())
            .collect()
    };
    vec![
        BaiduSpec {
            spec: "bcc.g5.c2m8",
            image_ids: ids(&|r| r.image_type == "System" && r.os_arch == X86),
        },
        // 1 GiB of memory: Linux only.
        BaiduSpec {
            spec: "bcc.ic4.c1m1",
            image_ids: ids(&|r| {
                r.image_type == "System" && r.os_type == "linux" && r.os_arch != ARM
            }),
        },
        BaiduSpec {
            spec: "bcc.gn5.c8m32.1v100",
            image_ids: ids(&|r| r.image_type == "GpuBccSystem"),
        },
        BaiduSpec {
            spec: "bcc.km1.c4m8",
            image_ids: ids(&|r| r.os_arch == ARM),
        },
        // A spec that exists but offers no public image.
        BaiduSpec {
            spec: "bcc.f1.c16m64",
            image_ids: Vec::new(),
        },
    ]
}
