# Public Tencent Cloud images that run on an instance type (CVM API 3.0), narrowed with a filter block.
data "cloudimage_tencent_images" "ubuntu" {
  instance_type = "S5.MEDIUM2"

  filter {
    name   = "image-type"
    values = ["PUBLIC_IMAGE"]
  }

  os_name = "ubuntu"
}

output "tencent_ubuntu_image_ids" {
  value = data.cloudimage_tencent_images.ubuntu.ids
}
