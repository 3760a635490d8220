# Computes expected.csv: the treated:after coefficient of y ~ treated * after with its
# CR2 standard error clustered on `cluster` and Satterthwaite degrees of freedom, by R's
# clubSandwich (Debian: apt-get install r-cran-clubsandwich). Run from this folder:
#   Rscript expected.R
library(clubSandwich)
rows <- list()
for (name in c("lopsided", "pilot")) {
  d <- read.csv(paste0(name, ".csv"))
  fit <- lm(y ~ treated * after, data = d)
  test <- coef_test(fit, vcov = "CR2", cluster = d$cluster, test = "Satterthwaite")
  ci <- conf_int(fit, vcov = "CR2", cluster = d$cluster, test = "Satterthwaite", level = 0.95)
  i <- which(test$Coef == "treated:after")
  rows[[name]] <- data.frame(
    data = name, estimate = sprintf("%.12f", test$beta[i]), std_error = sprintf("%.12f", test$SE[i]),
    df = sprintf("%.12f", test$df_Satt[i]), p_value = sprintf("%.12f", test$p_Satt[i]),
    ci_low = sprintf("%.12f", ci$CI_L[i]), ci_high = sprintf("%.12f", ci$CI_U[i])
  )
}
write.csv(do.call(rbind, rows), "expected.csv", row.names = FALSE, quote = FALSE)
