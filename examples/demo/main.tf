# A tour of cloudimage. With the local emulator (scripts/demo.sh) credentials and endpoints come from the
# environment; against the real clouds, export the real credentials and leave the *_ENDPOINT variables unset.
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
}

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
