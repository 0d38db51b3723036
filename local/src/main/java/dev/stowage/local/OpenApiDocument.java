package dev.stowage.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The API's OpenAPI document as the launcher serves it: the one generated at build time, with three fixes
 * for what micronaut-openapi 6.20 writes wrong in OpenAPI 3.1 mode. Each fix does nothing once the
 * generator gets it right, and can then go.
 */
final class OpenApiDocument {
    /** Where the build writes the merged document (local/openapi.properties). */
    static final String RESOURCE = "META-INF/swagger/openapi.yml";

    private OpenApiDocument() {}

    /** The fixed document as YAML, or empty if the build wrote none. */
    static Optional<String> load(ClassLoader loader) {
        return Optional.ofNullable(loader.getResourceAsStream(RESOURCE)).map(OpenApiDocument::read)
                .map(OpenApiDocument::fix).map(OpenApiDocument::yaml);
    }

    static Map<String, Object> fix(Map<String, Object> document) {
        walk(document);
        return document;
    }

    private static void walk(Object node) {
        if (node instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked") Map<String, Object> schema = (Map<String, Object>) map;
            fixSchema(schema);
            schema.values().forEach(OpenApiDocument::walk);
        } else if (node instanceof List<?> list) {
            list.forEach(OpenApiDocument::walk);
        }
    }

    private static void fixSchema(Map<String, Object> schema) {
        // A nullable property gets "object" beside its real type ([string, "null", object]): drop the extra.
        if (schema.get("type") instanceof List<?> types && types.contains("null") && types.size() > 2) {
            schema.put("type", types.stream().filter(type -> !"object".equals(type)).toList());
        }
        // A nullable reference is written as "null and the referenced schema", which no object satisfies.
        if ("null".equals(schema.get("type")) && schema.get("allOf") instanceof List<?> allOf && allOf.size() == 1) {
            schema.remove("type");
            schema.remove("allOf");
            schema.put("anyOf", List.of(allOf.getFirst(), Map.of("type", "null")));
        }
        // @Schema(allowableValues) comes out twice: as the enum, and under its Java name, no keyword at all.
        if (schema.containsKey("enum")) {
            schema.remove("allowableValues");
        }
    }

    private static Map<String, Object> read(InputStream in) {
        try (in) {
            return new Yaml().load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String yaml(Map<String, Object> document) {
        var options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(120);
        return new Yaml(options).dump(document);
    }
}
