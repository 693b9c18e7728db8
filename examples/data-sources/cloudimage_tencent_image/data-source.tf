# The newest public CentOS image.
data "cloudimage_tencent_image" "centos" {
  image_type  = "PUBLIC_IMAGE"
  os_name     = "centos"
  most_recent = true
}

output "tencent_centos_image_id" {
  value = data.cloudimage_tencent_image.centos.id
}
