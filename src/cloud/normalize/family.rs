//! OS family from the OS name, then the image name.

/// Substrings (lower-case) that identify a family, most specific first.
const FAMILIES: &[(&str, &str)] = &[
    ("almalinux", "almalinux"),
    ("alma linux", "almalinux"),
    ("opensuse", "opensuse"),
    ("suse", "sles"),
    ("sles", "sles"),
    ("opencloudos", "opencloudos"),
    ("tencentos", "tencentos"),
    ("tencent linux", "tencentos"),
    ("tlinux", "tencentos"),
    ("baidulinux", "baidulinux"),
    ("baidu linux", "baidulinux"),
    ("alibaba cloud linux", "alinux"),
    ("aliyun linux", "alinux"),
    ("alinux", "alinux"),
    ("anolis", "anolis"),
    ("openeuler", "openeuler"),
    ("ubuntu", "ubuntu"),
    ("debian", "debian"),
    ("centos", "centos"),
    ("rocky", "rocky"),
    ("red hat", "rhel"),
    ("redhat", "rhel"),
    ("rhel", "rhel"),
    ("fedora", "fedora"),
    ("freebsd", "freebsd"),
    ("windows", "windows"),
];

/// `ubuntu`, `centos`, …, or `other` when neither text names a known family.
pub fn os_family(os_name: &str, image_name: &str) -> &'static str {
    [os_name, image_name]
        .iter()
        .find_map(|text| {
            let lower = text.to_lowercase();
            FAMILIES
                .iter()
                .find(|(needle, _)| lower.contains(needle))
                .map(|(_, family)| *family)
        })
        .unwrap_or("other")
}
