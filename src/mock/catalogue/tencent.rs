//! The Tencent CVM catalogue, shared by the legacy API and API 3.0 (each shapes it its own way).
//! Pure data: knows nothing of HTTP, paging, filters or signatures.

use super::rng::{rfc3339_offset, unix, Rng, LOWER_ALNUM};

/// One image in one region.
#[derive(Debug, Clone, PartialEq)]
pub struct TencentRecord {
    pub region: &'static str,
    pub image_id: String,
    /// API 3.0 `OsName`, e.g. `CentOS 7.9 64位`.
    pub os_name: String,
    /// Legacy `ImageOsName`, e.g. `centos7.9x86_64` (suffix `x86_64`, `x86_32` or `aarch64`).
    pub legacy_os_name: String,
    /// PUBLIC_IMAGE, PRIVATE_IMAGE or SHARED_IMAGE (the values of the SDK's `Image` model).
    pub image_type: &'static str,
    pub created: i64,
    /// `CreatedTime` / `ImageCreateTime`: `2020-09-22T00:00:00+00:00`.
    pub created_time: String,
    pub image_name: String,
    pub image_description: String,
    /// GiB.
    pub image_size: u32,
    /// `x86_64`, `arm` or `i386` (API 3.0 spelling).
    pub architecture: &'static str,
    /// NORMAL, CREATING, CREATEFAILED, SYNCING.
    pub image_state: &'static str,
    pub platform: &'static str,
    /// API 3.0 `ImageCreator`: an account uin for private/shared images, empty otherwise.
    pub image_creator: String,
    /// OFFICIAL, CREATE_IMAGE or EXTERNAL_IMPORT.
    pub image_source: &'static str,
    pub sync_percent: u32,
    pub is_support_cloudinit: bool,
    /// `TencentCloud` or `BYOL` (bring your own licence: some imported images).
    pub license_type: &'static str,
    /// The image family of a custom image, empty when it has none.
    pub image_family: String,
    pub image_deprecated: bool,
    pub tags: Vec<(String, String)>,
    /// Instance families (the part of an instance type before the dot) the image runs on.
    pub instance_families: Vec<&'static str>,
}

impl TencentRecord {
    /// Legacy `Creator`: `PUBLIC` for public images, else the creator uin.
    pub fn legacy_creator(&self) -> &str {
        if self.image_creator.is_empty() {
            "PUBLIC"
        } else {
            &self.image_creator
        }
    }

    /// Whether the image can boot an instance of `instance_type` (e.g. `SR1.MEDIUM4`).
    pub fn runs_on(&self, instance_type: &str) -> bool {
        let family = instance_type.split('.').next().unwrap_or("");
        self.instance_families
            .iter()
            .any(|f| f.eq_ignore_ascii_case(family))
    }
}

/// Known regions; `ap-nanjing` is known but holds no image.
pub const TENCENT_REGIONS: &[&str] = &["ap-guangzhou", "ap-shanghai", "ap-nanjing"];

/// Instance types `InstanceType` accepts; anything else is `InstanceTypeNotFound`.
pub const TENCENT_INSTANCE_TYPES: &[&str] = &[
    "S5.MEDIUM2",
    "S5.LARGE8",
    "S6.LARGE16",
    "SA2.MEDIUM4",
    "SA3.LARGE8",
    "SR1.MEDIUM4",
    "SR1.LARGE8",
    "GN7.2XLARGE32",
    "GN10Xp.2XLARGE40",
];

/// The account uin that owns private images.
pub const TENCENT_OWNER_UIN: &str = "100012345678";
/// The account of a marketplace vendor that shares its images (WordPress, Docker CE, …) with this one.
pub const TENCENT_VENDOR_UIN: &str = "100087654321";

const X86_FAMILIES: &[&str] = &["S5", "S6", "SA2", "SA3", "GN7", "GN10Xp"];
const ARM_FAMILIES: &[&str] = &["SR1"];
const GPU_FAMILIES: &[&str] = &["GN7", "GN10Xp"];

/// (Platform, OsName stem, legacy stem, version, arches, first year).
type OsRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    i32,
);

const OSES: &[OsRow] = &[
    (
        "CentOS",
        "CentOS",
        "centos",
        "6.10",
        &["x86_64", "i386"],
        2018,
    ),
    ("CentOS", "CentOS", "centos", "7.6", &["x86_64"], 2019),
    (
        "CentOS",
        "CentOS",
        "centos",
        "7.9",
        &["x86_64", "arm"],
        2020,
    ),
    ("CentOS", "CentOS", "centos", "8.2", &["x86_64"], 2020),
    (
        "Ubuntu",
        "Ubuntu Server",
        "ubuntu",
        "18.04 LTS",
        &["x86_64", "i386"],
        2018,
    ),
    (
        "Ubuntu",
        "Ubuntu Server",
        "ubuntu",
        "20.04 LTS",
        &["x86_64", "arm"],
        2020,
    ),
    (
        "Ubuntu",
        "Ubuntu Server",
        "ubuntu",
        "22.04 LTS",
        &["x86_64", "arm"],
        2022,
    ),
    (
        "Ubuntu",
        "Ubuntu Server",
        "ubuntu",
        "24.04 LTS",
        &["x86_64", "arm"],
        2024,
    ),
    (
        "TencentOS",
        "TencentOS Server",
        "tencentos",
        "2.4",
        &["x86_64"],
        2020,
    ),
    (
        "TencentOS",
        "TencentOS Server",
        "tencentos",
        "3.1",
        &["x86_64", "arm"],
        2021,
    ),
    (
        "TencentOS",
        "TencentOS Server",
        "tencentos",
        "4.0",
        &["x86_64", "arm"],
        2024,
    ),
    ("Debian", "Debian", "debian", "10.2", &["x86_64"], 2020),
    (
        "Debian",
        "Debian",
        "debian",
        "11.1",
        &["x86_64", "arm"],
        2022,
    ),
    ("Debian", "Debian", "debian", "12.0", &["x86_64"], 2023),
    (
        "OpenCloudOS",
        "OpenCloudOS",
        "opencloudos",
        "8.8",
        &["x86_64"],
        2023,
    ),
    (
        "OpenCloudOS",
        "OpenCloudOS",
        "opencloudos",
        "9.0",
        &["x86_64", "arm"],
        2023,
    ),
    (
        "Rocky Linux",
        "Rocky Linux",
        "rocky",
        "9.2",
        &["x86_64"],
        2023,
    ),
    (
        "AlmaLinux",
        "AlmaLinux",
        "almalinux",
        "8.8",
        &["x86_64"],
        2023,
    ),
    (
        "Windows",
        "Windows Server 2016 数据中心版",
        "windows",
        "2016",
        &["x86_64"],
        2017,
    ),
    (
        "Windows",
        "Windows Server 2019 数据中心版",
        "windows",
        "2019",
        &["x86_64"],
        2019,
    ),
    (
        "Windows",
        "Windows Server 2022 数据中心版",
        "windows",
        "2022",
        &["x86_64"],
        2022,
    ),
];

const APPS: &[&str] = &["web", "api", "job", "cache", "gateway", "ml", "report"];

/// Builds the catalogue; deterministic (seeded), called once through `OnceLock`.
pub(crate) fn build() -> Vec<TencentRecord> {
    let mut rng = Rng::new(0x7E0C_E017);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for &(region, builds, privates) in &[("ap-guangzhou", 3usize, 170usize), ("ap-shanghai", 1, 30)]
    {
        let mut imgs = Vec::new();
        for &(platform, stem, legacy, version, arches, year) in OSES {
            for &arch in arches {
                for b in 0..builds {
                    let created =
                        rng.range(unix(year, 1, 1) + b as i64 * 120 * 86_400, unix(2025, 6, 1));
                    let mut r = blank(&mut rng, &mut seen, region, created);
                    let bits = if arch == "i386" { "32位" } else { "64位" };
                    let name_ver = if platform == "Windows" {
                        String::new()
                    } else {
                        format!(" {version}")
                    };
                    r.platform = platform;
                    r.architecture = arch;
                    r.os_name = format!("{stem}{name_ver} {bits}");
                    let short = version.split(' ').next().unwrap_or(version);
                    let suffix = match arch {
                        "i386" => "x86_32",
                        "arm" => "aarch64",
                        _ => "x86_64",
                    };
                    r.legacy_os_name = format!("{legacy}{short}{suffix}");
                    r.image_name = match (platform, arch) {
                        ("Windows", _) => r.os_name.clone(),
                        (_, "arm") => format!("{platform} {short} 64bit (ARM)"),
                        (_, "i386") => format!("{platform} {short} 32-bit"),
                        _ => format!("{platform} {short} 64bit"),
                    };
                    r.image_description = format!("{} public image", r.os_name);
                    r.instance_families = match arch {
                        "arm" => ARM_FAMILIES.to_vec(),
                        "i386" => vec!["S5", "SA2"],
                        _ => X86_FAMILIES.to_vec(),
                    };
                    r.image_size = if platform == "Windows" { 50 } else { 20 };
                    r.is_support_cloudinit = platform != "Windows";
                    // Public images of an OS past its end of life are marked deprecated.
                    r.image_deprecated = version == "6.10";
                    imgs.push(r.clone());
                    if arch == "x86_64"
                        && b == 0
                        && matches!(platform, "Ubuntu" | "CentOS" | "TencentOS")
                    {
                        let mut g = r;
                        g.image_id = new_id(&mut rng, &mut seen);
                        g.created = rng.range(g.created, unix(2025, 6, 1));
                        g.created_time = rfc3339_offset(g.created);
                        g.image_name = format!("{} | GPU Driver 535.104 + CUDA 12.2", g.image_name);
                        g.instance_families = GPU_FAMILIES.to_vec();
                        g.image_size = 50;
                        imgs.push(g);
                    }
                }
            }
        }
        let public: Vec<TencentRecord> = imgs.clone();
        for i in 0..privates {
            let mut r = rng.pick(&public).clone();
            r.image_id = new_id(&mut rng, &mut seen);
            r.created = rng.range(r.created, unix(2025, 6, 30).max(r.created));
            r.created_time = rfc3339_offset(r.created);
            let app = rng.pick(APPS);
            let kind = rng.below(10);
            let vendor = kind >= 8;
            (r.image_type, r.image_creator, r.image_source) = match kind {
                0..=5 => (
                    "PRIVATE_IMAGE",
                    TENCENT_OWNER_UIN.to_string(),
                    if rng.chance(85) {
                        "CREATE_IMAGE"
                    } else {
                        "EXTERNAL_IMPORT"
                    },
                ),
                6 | 7 => (
                    "SHARED_IMAGE",
                    format!("1000{:08}", rng.below(100_000_000)),
                    "CREATE_IMAGE",
                ),
                // Marketplace software, shared by its vendor (the SDK's model knows no other type).
                _ => (
                    "SHARED_IMAGE",
                    TENCENT_VENDOR_UIN.to_string(),
                    "CREATE_IMAGE",
                ),
            };
            if r.image_source == "EXTERNAL_IMPORT" && i % 3 == 0 {
                r.license_type = "BYOL";
            }
            r.image_deprecated = false;
            r.image_name = match (vendor, i % 4) {
                (true, _) => format!(
                    "{} (Marketplace) {i}",
                    rng.pick(&["WordPress", "宝塔Linux面板", "Docker CE", "LNMP"])
                ),
                (_, 0) => format!("{app}-v{}.{}", rng.below(5), rng.below(20)),
                (_, 1) => format!("{app}+agent [{}]", rng.below(100)),
                (_, 2) => {
                    r.image_family = format!("{app}-prod");
                    format!("{app}.prod.{i}")
                }
                _ => format!("{app} (golden) {i}"),
            };
            r.image_description = if rng.chance(40) {
                String::new()
            } else {
                format!("{app} image #{i}")
            };
            r.image_state = match rng.below(20) {
                0 => "CREATING",
                1 => "CREATEFAILED",
                2 => "SYNCING",
                _ => "NORMAL",
            };
            r.sync_percent = if r.image_state == "SYNCING" {
                10 * rng.below(10) as u32
            } else {
                100
            };
            if r.image_type == "PRIVATE_IMAGE" && rng.chance(60) {
                r.tags.push((
                    "env".into(),
                    rng.pick(&["prod", "staging", "dev"]).to_string(),
                ));
                if rng.chance(50) {
                    r.tags.push(("team".into(), app.to_string()));
                }
            }
            imgs.push(r);
        }
        rng.shuffle(&mut imgs);
        out.extend(imgs);
    }
    out
}

fn new_id(rng: &mut Rng, seen: &mut std::collections::HashSet<String>) -> String {
    loop {
        let id = format!("img-{}", rng.token(LOWER_ALNUM, 8));
        if seen.insert(id.clone()) {
            return id;
        }
    }
}

fn blank(
    rng: &mut Rng,
    seen: &mut std::collections::HashSet<String>,
    region: &'static str,
    created: i64,
) -> TencentRecord {
    TencentRecord {
        region,
        image_id: new_id(rng, seen),
        os_name: String::new(),
        legacy_os_name: String::new(),
        image_type: "PUBLIC_IMAGE",
        created,
        created_time: rfc3339_offset(created),
        image_name: String::new(),
        image_description: String::new(),
        image_size: 20,
        architecture: "x86_64",
        image_state: "NORMAL",
        platform: "",
        image_creator: String::new(),
        image_source: "OFFICIAL",
        sync_percent: 100,
        is_support_cloudinit: true,
        license_type: "TencentCloud",
        image_family: String::new(),
        image_deprecated: false,
        tags: Vec::new(),
        instance_families: Vec::new(),
    }
}
