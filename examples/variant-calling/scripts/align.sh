#!/bin/sh
# Align paired reads with bwa mem and sort with samtools.
set -eu
reference=$1
reads=$2
out=$3
bwa mem -t "${SLURM_CPUS_PER_TASK:-4}" "$reference" $reads | samtools sort -o "$out" -
samtools index "$out"
