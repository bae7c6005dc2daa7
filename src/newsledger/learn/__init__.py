"""Learned extraction: features, targets, training and the int8 model at inference."""
