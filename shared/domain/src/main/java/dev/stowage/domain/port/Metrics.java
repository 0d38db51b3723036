package dev.stowage.domain.port;

import java.util.Map;

/** Where gauges go: one set of values taken at one instant, under named dimensions (EMF log lines on AWS). */
public interface Metrics {
    void gauges(Map<String, String> dimensions, Map<String, Long> values);
}
