#!/usr/bin/env bash
# Deploy the GPU worker tier: maps a GPU name to an EC2 instance type, then runs the Terraform
# deploy with enable_gpu = true. Usage: deploy/gpu.sh t4|a10g|l4|l40s|v100|a100 [your.tfvars] [--yes|--dry-run]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
gpu=${1:-}
case "$gpu" in
  t4)   type=g4dn.xlarge ;;   # 16 GB, Whisper small/base + Kokoro comfortably
  a10g) type=g5.xlarge ;;     # 24 GB, Whisper large-v3-turbo
  l4)   type=g6.xlarge ;;     # 24 GB, best price/performance for inference
  l40s) type=g6e.xlarge ;;    # 48 GB
  v100) type=p3.2xlarge ;;    # 16 GB, older generation
  a100) type=p4d.24xlarge ;;  # 8 × 40 GB, large batches
  *) echo "usage: deploy/gpu.sh t4|a10g|l4|l40s|v100|a100 [vars.tfvars] [--yes|--dry-run]" >&2; exit 2 ;;
esac
shift
vars=$(mktemp --suffix=.tfvars)
trap 'rm -f "$vars"' EXIT
if [ $# -gt 0 ] && [ -f "$1" ]; then cat "$1" > "$vars"; shift; fi
printf 'enable_gpu = true\ngpu_instance_type = "%s"\n' "$type" >> "$vars"
echo "GPU $gpu → $type"
cd "$here"
exec bin/remotemedia deploy --terraform --var-file "$vars" "$@"
