# The newest public CentOS 7 image.
data "cloudimage_baidu_image" "centos7" {
  image_type  = "System"
  os_name     = "centos"
  name_regex  = "CentOS 7\\.[0-9]"
  most_recent = true
}

output "baidu_centos7_image_id" {
  value = data.cloudimage_baidu_image.centos7.id
}
