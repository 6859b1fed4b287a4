package dev.gauntlet.harness.threshold;

/** A threshold's verdict: the measured value (NaN when nothing measured it) and whether it held. */
public record ThresholdResult(String expr, double value, boolean pass) {}
