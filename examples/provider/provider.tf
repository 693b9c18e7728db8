provider "cloudimage" {
  max_retries     = 3
  request_timeout = "30s"

  # Credentials are usually taken from the environment:
  # BAIDUCLOUD_ACCESS_KEY / BAIDUCLOUD_SECRET_KEY, UCLOUD_PUBLIC_KEY / UCLOUD_PRIVATE_KEY,
  # TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY.
  baidu {
    region = "bj"
  }
  ucloud {
    region = "cn-bj2"
  }
  tencent {
    region = "ap-guangzhou"
    api    = "v3"
  }
}
