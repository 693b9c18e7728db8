//! The UCloud UHost catalogue: regions, zones, projects and images (seed 002, `UHostImageSet`).
//! Pure data: knows nothing of HTTP, paging or signatures.

use super::rng::{unix, Rng, LOWER_ALNUM};

/// One image as `DescribeImage` returns it, plus where it is visible.
#[derive(Debug, Clone, PartialEq)]
pub struct UCloudRecord {
    pub region: &'static str,
    /// `None`: a region-wide image, listed in every zone (its `Zone` field echoes the requested zone,
    /// or is empty when none was asked).
    pub zone: Option<&'static str>,
    /// `None`: public (Base/Business). `Some(p)`: a custom image visible only with `ProjectId=p`
    /// (no `ProjectId` means [`UCLOUD_DEFAULT_PROJECT`]).
    pub project: Option<&'static str>,
    pub image_id: String,
    pub image_name: String,
    /// `Linux` or `Windows`.
    pub os_type: &'static str,
    pub os_name: String,
    /// `Base`, `Business` or `Custom`.
    pub image_type: &'static str,
    pub features: Vec<&'static str>,
    /// `uhost`, `gpu` or `app`.
    pub func_type: &'static str,
    pub integrated_software: String,
    pub vendor: String,
    pub links: String,
    /// `Available`, `Making`, `Unavailable` or `Copying`.
    pub state: &'static str,
    pub image_description: String,
    /// Unix seconds.
    pub create_time: i64,
    pub image_size: u32,
    pub minimal_cpu: &'static str,
    /// `YYYY/MM/DD` or empty.
    pub maintain_eol: String,
    pub supported_gpu_types: Vec<&'static str>,
    pub scene_categories: Vec<&'static str>,
    pub primary_software: String,
    /// Data-disk snapshots a custom image was made with (`DataSnapshotIds`).
    pub data_snapshot_ids: Vec<String>,
    /// The business group (`Tag`) of a custom image; empty for public ones.
    pub tag: &'static str,
    /// `PriceSet` when asked for: `(ChargeType, Price, OriginalPrice)` in yuan, two decimals. Market
    /// images cost something; the others are free (prices of 0).
    pub prices: Vec<(&'static str, f64, f64)>,
}

/// Regions and their zones. `us-ws` is a known region that has no image at all.
pub const UCLOUD_REGIONS: &[(&str, &[&str])] = &[
    (
        "cn-bj2",
        &["cn-bj2-02", "cn-bj2-03", "cn-bj2-04", "cn-bj2-05"],
    ),
    ("cn-sh2", &["cn-sh2-01", "cn-sh2-02", "cn-sh2-03"]),
    ("hk", &["hk-01", "hk-02"]),
    ("us-ws", &["us-ws-01"]),
];

/// The project used when a request has no `ProjectId`.
pub const UCLOUD_DEFAULT_PROJECT: &str = "org-mockdefault";
/// A second project whose custom images the default project must not see.
pub const UCLOUD_OTHER_PROJECT: &str = "org-mockteam2";

/// (OsName stem, OsType, version, EOL YYYY/MM/DD, first year, MinimalCPU).
const OSES: &[(&str, &str, &str, &str, i32, &str)] = &[
    ("CentOS", "Linux", "6.10", "2020/11/30", 2018, ""),
    ("CentOS", "Linux", "7.4", "2024/06/30", 2017, "Broadwell"),
    ("CentOS", "Linux", "7.5", "2024/06/30", 2018, "Broadwell"),
    ("CentOS", "Linux", "7.9", "2024/06/30", 2020, ""),
    ("CentOS", "Linux", "8.3", "2021/12/31", 2021, ""),
    ("Rocky", "Linux", "8.8", "2029/05/31", 2023, ""),
    ("Rocky", "Linux", "9.3", "2032/05/31", 2024, ""),
    ("AlmaLinux", "Linux", "9.2", "2032/05/31", 2023, ""),
    ("Ubuntu", "Linux", "18.04", "2023/05/31", 2018, ""),
    ("Ubuntu", "Linux", "20.04", "2025/05/31", 2020, ""),
    ("Ubuntu", "Linux", "22.04", "2027/04/01", 2022, ""),
    ("Ubuntu", "Linux", "24.04", "2029/05/31", 2024, ""),
    ("Debian", "Linux", "10.13", "2024/06/30", 2020, ""),
    ("Debian", "Linux", "11.8", "2026/08/31", 2022, ""),
    ("Debian", "Linux", "12.4", "2028/06/30", 2024, ""),
    ("OpenCloudOS", "Linux", "9.0", "", 2023, ""),
    ("Anolis", "Linux", "8.8", "2031/06/30", 2023, ""),
    ("Windows Server", "Windows", "2016", "2027/01/12", 2017, ""),
    ("Windows Server", "Windows", "2019", "2029/01/09", 2019, ""),
    ("Windows Server", "Windows", "2022", "2031/10/14", 2022, ""),
];

const GPUS: &[&str] = &["T4", "V100S", "A10", "A100", "4090", "P40"];
const APPS: &[&str] = &["web", "api", "worker", "db", "cache", "batch", "ml"];

/// Builds the catalogue; deterministic (seeded), called once through `OnceLock`.
pub(crate) fn build() -> Vec<UCloudRecord> {
    let mut rng = Rng::new(0x0C10_0D02);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    // (region, how many copies of the public set, custom images per project)
    for &(region, base_builds, customs) in &[
        ("cn-bj2", 3usize, 150usize),
        ("cn-sh2", 1, 40),
        ("hk", 1, 10),
    ] {
        let zones = UCLOUD_REGIONS
            .iter()
            .find(|(r, _)| *r == region)
            .map(|(_, z)| *z)
            .unwrap_or(&[]);
        let mut base = Vec::new();
        for &(stem, os_type, version, eol, year, cpu) in OSES {
            for b in 0..base_builds {
                let arm = os_type == "Linux" && b == 1 && rng.chance(60);
                let created =
                    rng.range(unix(year, 1, 1) + b as i64 * 90 * 86_400, unix(2025, 6, 1));
                let mut r = blank(&mut rng, &mut seen, region, created);
                let bits = if os_type == "Windows" {
                    " 64位 中文版"
                } else {
                    " 64位"
                };
                r.os_type = os_type;
                r.os_name = format!("{stem} {version}{bits}{}", if arm { " ARM" } else { "" });
                r.image_name = r.os_name.clone();
                r.image_type = "Base";
                r.maintain_eol = eol.to_string();
                r.minimal_cpu = cpu;
                r.image_size = if os_type == "Windows" { 40 } else { 20 };
                r.features = if arm {
                    vec!["Aarch64_Type", "CloudInit"]
                } else if os_type == "Linux" {
                    let mut f = vec!["NetEnhanced", "HotPlug", "CloudInit"];
                    if rng.chance(50) {
                        f.push("IPv6");
                    }
                    if version.starts_with("22") || version.starts_with('9') {
                        f.extend(["NetEnhanced_Ultra", "RssdAttachable"]);
                    }
                    f
                } else {
                    vec!["NetEnhanced"]
                };
                r.image_description = format!("{} official image", r.os_name);
                r.state = if rng.chance(6) {
                    "Unavailable"
                } else {
                    "Available"
                };
                base.push(r);
                if os_type == "Linux"
                    && !arm
                    && b == 0
                    && matches!(stem, "Ubuntu" | "CentOS" | "Rocky")
                {
                    let created = rng.range(created, unix(2025, 6, 1));
                    let mut g = base[base.len() - 1].clone();
                    g.image_id = new_id(&mut rng, &mut seen);
                    g.create_time = created;
                    g.func_type = "gpu";
                    g.image_name = format!("{} GPU Driver 535 + CUDA 12.2", g.os_name);
                    g.features = vec!["GPU", "CloudInit", "NetEnhanced", "Vgpu_NVIDIA"];
                    g.supported_gpu_types = GPUS
                        .iter()
                        .copied()
                        .take(2 + rng.below(4) as usize)
                        .collect();
                    g.scene_categories =
                        vec![*rng.pick(&["PreInstalledDrivers", "AIPainting", "AIModels", "HPC"])];
                    g.primary_software = "CUDA 12.2".into();
                    g.image_size = 60;
                    base.push(g);
                }
            }
        }
        // Market (Business) images: industry software with vendor and links.
        for i in 0..(base_builds * 12) {
            let created = rng.range(unix(2019, 1, 1), unix(2025, 6, 1));
            let mut r = blank(&mut rng, &mut seen, region, created);
            let (soft, vendor) = *rng.pick(&[
                ("Docker 24.0", "UCloud"),
                ("WordPress 6.4", "Bitnami"),
                ("Stable Diffusion WebUI", "UCloud AI"),
                ("GitLab CE 16.8", "GitLab"),
                ("宝塔面板 8.0", "BT.cn"),
            ]);
            r.image_type = "Business";
            r.os_name = "Ubuntu 22.04 64位".to_string();
            r.image_name = format!("{soft} on Ubuntu 22.04 ({i})");
            r.integrated_software = soft.to_string();
            r.vendor = vendor.to_string();
            r.links = format!("https://market.ucloud.cn/detail/{}", 10_000 + i);
            r.func_type = *rng.pick(&["uhost", "app", "gpu"]);
            r.primary_software = soft.to_string();
            r.scene_categories = if rng.chance(30) {
                vec!["Featured"]
            } else {
                vec![]
            };
            r.features = vec!["NetEnhanced", "CloudInit"];
            r.maintain_eol = "2027/04/01".into();
            r.image_size = 40;
            base.push(r);
        }
        // Custom images of two projects, each created in one zone.
        let pub_snapshot: Vec<UCloudRecord> = base
            .iter()
            .filter(|r| r.image_type == "Base")
            .cloned()
            .collect();
        for (p, project) in [UCLOUD_DEFAULT_PROJECT, UCLOUD_OTHER_PROJECT]
            .into_iter()
            .enumerate()
        {
            for i in 0..(customs / (p + 1)) {
                let from = rng.pick(&pub_snapshot).clone();
                let created = rng.range(from.create_time, unix(2025, 6, 30).max(from.create_time));
                let mut r = from;
                r.image_id = new_id(&mut rng, &mut seen);
                r.create_time = created;
                r.project = Some(project);
                r.zone = Some(*rng.pick(zones));
                r.image_type = "Custom";
                let app = rng.pick(APPS);
                r.image_name = match i % 4 {
                    0 => format!("{app}-{}.{}", rng.below(5), rng.below(30)),
                    1 => format!("{app}+sidecar ({i})"),
                    2 => format!("{app}.golden.{i}"),
                    _ => format!("[{}] {app} {i}", if p == 0 { "prod" } else { "team2" }),
                };
                r.image_description = if rng.chance(50) {
                    String::new()
                } else {
                    format!("snapshot of {app} host")
                };
                r.maintain_eol = String::new();
                r.state = match rng.below(25) {
                    0 => "Making",
                    1 => "Copying",
                    2 => "Unavailable",
                    _ => "Available",
                };
                r.image_size = 20 + 10 * rng.below(8) as u32;
                base.push(r);
            }
        }
        rng.shuffle(&mut base);
        out.extend(base);
    }
    // Fields derived from what is already drawn (no further random draws, so the rest stays put).
    for (i, r) in out.iter_mut().enumerate() {
        if r.image_type == "Custom" {
            r.tag = "Default";
            if i % 5 == 0 {
                r.data_snapshot_ids = vec![format!("snapshot-{}", &r.image_id[7..])];
            }
        }
        let seed: u32 = r.image_id.bytes().map(u32::from).sum();
        let monthly = if r.image_type == "Business" {
            f64::from(20 + seed % 80) + 0.5
        } else {
            0.0
        };
        let cents = |v: f64| (v * 100.0).round() / 100.0;
        r.prices = vec![
            ("Month", monthly, cents(monthly * 1.25)),
            ("Year", cents(monthly * 10.0), cents(monthly * 12.5)),
            (
                "Dynamic",
                cents(monthly / 720.0),
                cents(monthly * 1.25 / 720.0),
            ),
        ];
    }
    out
}

fn new_id(rng: &mut Rng, seen: &mut std::collections::HashSet<String>) -> String {
    loop {
        let id = format!("uimage-{}", rng.token(LOWER_ALNUM, 8));
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
) -> UCloudRecord {
    UCloudRecord {
        region,
        zone: None,
        project: None,
        image_id: new_id(rng, seen),
        image_name: String::new(),
        os_type: "Linux",
        os_name: String::new(),
        image_type: "Base",
        features: Vec::new(),
        func_type: "uhost",
        integrated_software: String::new(),
        vendor: String::new(),
        links: String::new(),
        state: "Available",
        image_description: String::new(),
        create_time: created,
        image_size: 20,
        minimal_cpu: "",
        maintain_eol: String::new(),
        supported_gpu_types: Vec::new(),
        scene_categories: Vec::new(),
        primary_software: String::new(),
        data_snapshot_ids: Vec::new(),
        tag: "",
        prices: Vec::new(),
    }
}
