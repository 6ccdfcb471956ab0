# Variant density per chromosome.
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages({
  library(VariantAnnotation)
  library(ggplot2)
})
vcf <- readVcf(args[[1]])
counts <- as.data.frame(table(seqnames(rowRanges(vcf))))
ggsave(args[[2]], ggplot(counts, aes(Var1, Freq)) + geom_col())
