# Every argument is optional. Credentials usually come from the environment:
#   BAIDUCLOUD_ACCESS_KEY / BAIDUCLOUD_SECRET_KEY
#   UCLOUD_PUBLIC_KEY / UCLOUD_PRIVATE_KEY (and UCLOUD_PROJECT_ID for sub-accounts)
#   TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY
# and only the clouds whose data sources you read need them.
provider "cloudimage" {
  max_retries     = 3     # per HTTP request, on throttling, 5xx and network errors
  request_timeout = "30s" # per attempt

  baidu {
    region = "bj"
  }

  ucloud {
    region = "cn-bj2"
  }

  tencent {
    region = "ap-guangzhou"
    api    = "v3" # CVM API 3.0; "legacy" calls image.api.qcloud.com
  }
}
