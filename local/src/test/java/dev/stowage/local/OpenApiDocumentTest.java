package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** What the served document corrects in the generator's OpenAPI 3.1 output, and what it leaves alone. */
class OpenApiDocumentTest {

    static Map<String, Object> fixed(String yaml) {
        return OpenApiDocument.fix(new Yaml().load(yaml));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> property(Map<String, Object> schema, String name) {
        return (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get(name);
    }

    @Test
    void aNullableScalarIsItsTypeOrNullAndNothingElse() {
        var schema = fixed("properties: {etag: {type: [string, 'null', object]}}");
        assertEquals(List.of("string", "null"), property(schema, "etag").get("type"));
    }

    @Test
    void aNullableReferenceIsTheReferencedSchemaOrNull() {
        var schema = fixed("properties: {metadata: {type: 'null', allOf: [{$ref: '#/components/schemas/M'}]}}");
        assertEquals(Map.of("anyOf", List.of(Map.of("$ref", "#/components/schemas/M"), Map.of("type", "null"))),
                property(schema, "metadata"));
    }

    @Test
    void anEnumLosesTheStrayCopyOfItsValues() {
        var schema = fixed("properties: {code: {type: string, enum: [a, b], allowableValues: [a, b]}}");
        assertEquals(Map.of("type", "string", "enum", List.of("a", "b")), property(schema, "code"));
    }

    @Test
    void correctSchemasAndPropertiesNamedLikeKeywordsAreLeftAlone() {
        String yaml = """
                properties:
                  type: {type: string}
                  parts: {type: [array, 'null'], items: {$ref: '#/components/schemas/P'}}
                  settings: {type: [object, 'null']}
                """;
        assertEquals(new Yaml().load(yaml), fixed(yaml));
    }
}
