package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The README's "API (v1)" table and the generated OpenAPI document name the same routes. */
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

    @SuppressWarnings("unchecked")
    static Set<String> specRoutes() {
        String yaml = OpenApiDocument.load(ApiRoutesTest.class.getClassLoader())
                .orElseThrow(() -> new AssertionError("the build wrote no " + OpenApiDocument.RESOURCE));
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) new Yaml()
                .<Map<String, Object>>load(yaml).get("paths");
        Set<String> routes = new TreeSet<>();
        paths.forEach((path, item) -> item.keySet().stream().filter(METHODS::contains)
                .forEach(method -> routes.add(method.toUpperCase(Locale.ROOT) + " " + path)));
        return routes;
    }
}
