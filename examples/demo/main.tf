# A tour of cloudimage on all three clouds. With the local emulator (scripts/demo.sh) credentials and
# endpoints come from the environment; against the real clouds, export the real credentials and leave the
# CLOUDIMAGE_*_ENDPOINT variables unset.
terraform {
  required_providers {
    cloudimage = {
      source = "cloudimage/cloudimage"
    }
  }
}

provider "cloudimage" {
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

# --- Baidu AI Cloud (BCC) ---

# Every Ubuntu image of the account, newest first.
data "cloudimage_baidu_images" "ubuntu" {
  os_name    = "ubuntu"
  name_regex = "64bit"
}

# Exactly one image: the newest public CentOS image.
data "cloudimage_baidu_image" "centos" {
  image_type  = "System"
  os_name     = "centos"
  most_recent = true
}

# Public images that can run on a GPU instance spec.
data "cloudimage_baidu_spec_images" "gpu" {
  spec = "bcc.gn5.c8m32.1v100"
}

# --- UCloud (UHost) ---

# The base images of one zone.
data "cloudimage_ucloud_images" "base" {
  zone       = "cn-bj2-02"
  image_type = "Base"
}

# The newest available Ubuntu image.
data "cloudimage_ucloud_image" "ubuntu" {
  os_name     = "ubuntu"
  most_recent = true
}

# --- Tencent Cloud (CVM API 3.0) ---

# Public images that run on an instance type.
data "cloudimage_tencent_images" "s5" {
  instance_type = "S5.MEDIUM2"
  image_type    = "PUBLIC_IMAGE"
}

# The newest public Ubuntu image.
data "cloudimage_tencent_image" "ubuntu" {
  image_type  = "PUBLIC_IMAGE"
  os_name     = "ubuntu"
  most_recent = true
}

output "baidu_ubuntu_count" {
  value = data.cloudimage_baidu_images.ubuntu.total_count
}

output "baidu_ubuntu_newest" {
  value = "${data.cloudimage_baidu_images.ubuntu.images[0].id} ${data.cloudimage_baidu_images.ubuntu.images[0].name}"
}

output "baidu_centos" {
  value = "${data.cloudimage_baidu_image.centos.id} ${data.cloudimage_baidu_image.centos.name} (${data.cloudimage_baidu_image.centos.create_time})"
}

output "baidu_gpu_images" {
  value = "${data.cloudimage_baidu_spec_images.gpu.total_count} images, e.g. ${join(", ", slice(data.cloudimage_baidu_spec_images.gpu.ids, 0, 3))}"
}

output "ucloud_base_images" {
  value = "${data.cloudimage_ucloud_images.base.total_count} images, e.g. ${join(", ", slice(data.cloudimage_ucloud_images.base.images[*].name, 0, 3))}"
}

output "ucloud_ubuntu" {
  value = "${data.cloudimage_ucloud_image.ubuntu.id} ${data.cloudimage_ucloud_image.ubuntu.name} (${data.cloudimage_ucloud_image.ubuntu.create_time})"
}

output "tencent_s5_images" {
  value = "${data.cloudimage_tencent_images.s5.total_count} images, e.g. ${join(", ", slice(data.cloudimage_tencent_images.s5.images[*].name, 0, 3))}"
}

output "tencent_ubuntu" {
  value = "${data.cloudimage_tencent_image.ubuntu.id} ${data.cloudimage_tencent_image.ubuntu.name} (${data.cloudimage_tencent_image.ubuntu.create_time})"
}

# All three clouds at once: the newest Ubuntu 22.04-or-later x86_64 image on each, still supported.
data "cloudimage_images" "ubuntu" {
  os_family    = "ubuntu"
  version      = ">= 22.04"
  architecture = "x86_64"
  exclude_eol  = true
}

output "newest_supported_ubuntu_per_cloud" {
  value = {
    for cloud in distinct(data.cloudimage_images.ubuntu.images[*].cloud) :
    cloud => [for i in data.cloudimage_images.ubuntu.images : "${i.id} Ubuntu ${i.version}, EOL ${i.eol_date}" if i.cloud == cloud][0]
  }
}
