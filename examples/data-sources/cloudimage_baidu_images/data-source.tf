# Every public Ubuntu image of the Baidu AI Cloud account, newest first.
data "cloudimage_baidu_images" "ubuntu" {
  image_type = "System"
  os_name    = "ubuntu"
}

output "baidu_ubuntu_image_ids" {
  value = data.cloudimage_baidu_images.ubuntu.ids
}
