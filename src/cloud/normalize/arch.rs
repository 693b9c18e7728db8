//! Architecture from each cloud's way of writing it.

/// `x86_64`, `arm64` or `i386` when the text names one; `None` otherwise.
pub fn architecture(text: &str) -> Option<&'static str> {
    let t = text.to_lowercase();
    if t.is_empty() {
        return None;
    }
    // UCloud marks arm images with a feature flag; Tencent v3 says "arm".
    if t.contains("aarch64")
        || t.contains("arm64")
        || t.contains("aarch64_type")
        || t == "arm"
        || t.contains("arm ")
    {
        return Some("arm64");
    }
    if t.contains("x86_64")
        || t.contains("amd64")
        || t.contains("x64")
        || t.contains("64bit")
        || t.contains("64位")
        || t.contains("64-bit")
    {
        return Some("x86_64");
    }
    if t.contains("i386")
        || t.contains("i686")
        || t.contains("x86_32")
        || t.contains("32bit")
        || t.contains("32位")
        || t.contains("32-bit")
    {
        return Some("i386");
    }
    None
}
