"""Rusmiddelportalen: self-service portal for a municipal substance-abuse treatment centre."""
