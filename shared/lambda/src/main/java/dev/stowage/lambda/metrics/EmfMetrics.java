package dev.stowage.lambda.metrics;

import dev.stowage.domain.port.Metrics;
import io.micronaut.context.annotation.Value;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gauges as one CloudWatch Embedded Metric Format line on stdout: Lambda ships the line to the function's log
 * group and CloudWatch turns its values into metrics (namespace {@code stowage.metrics.namespace}, the given
 * dimensions), with no API call and no extra latency. Written past the logger, so the JSON log format does not
 * wrap it: EMF must be the whole log event. {@code stowage.metrics.emf=false} (the local launcher) writes nothing.
 */
@Singleton
public class EmfMetrics implements Metrics {
    /** CloudWatch takes at most 100 metrics per directive. */
    static final int MAX_METRICS = 100;

    private final JsonMapper json;
    private final Clock clock;
    private final String namespace;
    private final boolean enabled;

    public EmfMetrics(JsonMapper json, Clock clock, @Value("${stowage.metrics.namespace:Stowage}") String namespace,
                      @Value("${stowage.metrics.emf:true}") boolean enabled) {
        this.json = json;
        this.clock = clock;
        this.namespace = namespace;
        this.enabled = enabled;
    }

    /** Whether gauges are written at all. */
    public boolean enabled() {
        return enabled;
    }

    @Override
    public void gauges(Map<String, String> dimensions, Map<String, Long> values) {
        if (enabled) {
            System.out.println(line(dimensions, values));
        }
    }

    /** The EMF document: the {@code _aws} metadata, then the dimensions' and metrics' values at the top level. */
    public String line(Map<String, String> dimensions, Map<String, Long> values) {
        if (values.size() > MAX_METRICS) {
            throw new IllegalArgumentException("EMF allows " + MAX_METRICS + " metrics per line, got " + values.size());
        }
        List<Map<String, String>> metrics = new ArrayList<>();
        values.keySet().forEach(name -> metrics.add(Map.of("Name", name, "Unit", "Count")));
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", namespace);
        directive.put("Dimensions", List.of(List.copyOf(dimensions.keySet())));
        directive.put("Metrics", metrics);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(directive)));
        document.putAll(dimensions);
        document.putAll(values);
        try {
            return json.writeValueAsString(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
