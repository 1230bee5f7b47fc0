# Packer 1.7 and later: `packer init packer/` installs the Amazon plugin named here (current
# Packer no longer bundles it). Packer 1.6 does not know required_plugins: build the single file
# packer/aws-ebs.pkr.hcl there, which leaves this file out.
packer {
  required_plugins {
    amazon = {
      version = ">= 1.2.0"
      source  = "github.com/hashicorp/amazon"
    }
  }
}
