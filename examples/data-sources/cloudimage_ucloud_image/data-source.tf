# The newest available Ubuntu base image of the region.
data "cloudimage_ucloud_image" "ubuntu" {
  image_type  = "Base"
  os_name     = "ubuntu"
  most_recent = true
}

output "ucloud_ubuntu_image_id" {
  value = data.cloudimage_ucloud_image.ubuntu.id
}
