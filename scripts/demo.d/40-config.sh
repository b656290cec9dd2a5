# Sourced by scripts/demo.sh: a Spack configuration scope for this machine
# and one for a cloud instance type, each validated.
step config generate --auto-detect --output "$work/site-scope"
ls "$work/site-scope"
step config validate "$work/site-scope"
step config generate --provider aws --instance-type hpc7a.96xlarge --region eu-west-1 --output "$work/aws-scope"
sed -n '1,12p' "$work/aws-scope/packages.yaml"
