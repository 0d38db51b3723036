package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The generated OpenAPI document: the routes README's "API (v1)" table names, each operation once. */
class ApiRoutesTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern ROUTE_CELL = Pattern.compile("^\\| `([A-Z]+) (/[^` ]*)` \\|");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Test
    void everyRouteInTheReadmeTableIsInTheSpecAndNoOtherIs() throws IOException {
        Set<String> readme = readmeRoutes();
        assertFalse(readme.isEmpty(), "no `METHOD /path` rows found under README's '## API (v1)'");
        assertEquals(readme, specRoutes(), "README.md's API table (left) and /openapi.yml (right) disagree");
    }

    @Test
    void operationIdsStayUniqueWhenTheFunctionsFragmentsAreMerged() {
        // Each function names its operations alone (after the Java method); the merge does not rename clashes.
        List<String> ids = operations().stream().map(operation -> (String) operation.get("operationId")).toList();
        assertEquals(new TreeSet<>(ids).size(), ids.size(), "duplicate operationId among " + ids);
    }

    /** "GET /v1/assets/{id}" for each row of the table under "## API (v1)", up to the next heading. */
    static Set<String> readmeRoutes() throws IOException {
        Set<String> routes = new TreeSet<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith("## ")) {
                inTable = line.equals("## API (v1)");
            } else if (inTable) {
                var cell = ROUTE_CELL.matcher(line);
                if (cell.find()) {
                    routes.add(cell.group(1) + " " + cell.group(2));
                }
            }
        }
        return routes;
    }

    static Set<String> specRoutes() {
        Set<String> routes = new TreeSet<>();
        paths().forEach((path, item) -> item.keySet().stream().filter(METHODS::contains)
                .forEach(method -> routes.add(method.toUpperCase(Locale.ROOT) + " " + path)));
        return routes;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> operations() {
        List<Map<String, Object>> operations = new ArrayList<>();
        paths().values().forEach(item -> item.forEach((method, operation) -> {
            if (METHODS.contains(method)) {
                operations.add((Map<String, Object>) operation);
            }
        }));
        return operations;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> paths() {
        return (Map<String, Map<String, Object>>) document().get("paths");
    }

    /** The whole document, as the launcher serves it. */
    static Map<String, Object> document() {
        String yaml = OpenApiDocument.load(ApiRoutesTest.class.getClassLoader())
                .orElseThrow(() -> new AssertionError("the build wrote no " + OpenApiDocument.RESOURCE));
        return new Yaml().load(yaml);
    }
}
