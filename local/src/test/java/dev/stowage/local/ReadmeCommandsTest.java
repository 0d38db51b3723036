package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every command in README.md's {@code sh} blocks has its counterpart in {@code readme/walkthrough.sh}, which
 * {@link ReadmeIT} runs: a README edit without a script change fails the build, without starting a stack.
 */
class ReadmeCommandsTest {
    private static final Path README = Path.of("..", "README.md");

    /** README commands that neither the walkthrough nor ReadmeIT can run as written, and why. */
    private static final Map<String, String> NOT_RUN = Map.of(
            // ReadmeIT starts it instead, as `java -jar local/target/stowage-local.jar local --port 0`: what
            // ./stowage execs after its build check, which would start a nested Maven build inside this one.
            "./stowage local", "started by ReadmeIT from the jar",
            // The build this test is part of; running it here would recurse.
            "./mvnw verify", "the build itself",
            // The package phase of this build made the jar ReadmeIT runs.
            "./mvnw -B package -DskipTests", "the build itself",
            // Deploy-only: needs an AWS account, credentials and SAM CLI, and asks questions interactively.
            "sam deploy --guided", "deploy-only",
            // The long fuzz run: ten minutes a target, a build of its own.
            "bench/fuzz.sh 600", "the long fuzz run");

    /**
     * How the script spells what the README writes as a placeholder or an example, rewritten into the README's
     * spelling (a regex replacement); applied to the script's lines in this order.
     */
    private static final Map<Pattern, String> SCRIPT_TO_README = new LinkedHashMap<>();
    static {
        // ${API:-http://127.0.0.1:8080}: the README's value, which the caller may override (ReadmeIT does).
        SCRIPT_TO_README.put(Pattern.compile("\\$\\{\\w+:-([^}]*)}"), "$1");
        // The answers the README's placeholders stand for.
        SCRIPT_TO_README.put(variable("SESSION"), "<session>");
        SCRIPT_TO_README.put(variable("ASSET"), "<asset>");
        SCRIPT_TO_README.put(variable("STAGED"), "<staged>");
        SCRIPT_TO_README.put(variable("EXPORT"), "<export>");
        // An asset id spliced into the README's single-quoted JSON: '{"assetId":"'"$ASSET"'"}'.
        SCRIPT_TO_README.put(Pattern.compile(Pattern.quote("\"'\"<asset>\"'\"")), "\"<asset>\"");
        SCRIPT_TO_README.put(Pattern.compile(Pattern.quote("\"$URL\"")), "'<url>'");
        // The README shows part 1 of a loop over the parts.
        SCRIPT_TO_README.put(Pattern.compile(Pattern.quote("/parts/$N/")), "/parts/1/");
        SCRIPT_TO_README.put(Pattern.compile(Pattern.quote("@part$N")), "@part1");
        // An etag spliced into the README's single-quoted JSON: "etag":"'"${ETAG[2]}"'".
        SCRIPT_TO_README.put(Pattern.compile(Pattern.quote("\"etag\":\"'\"${ETAG[") + "\\d+" + Pattern.quote("]}\"'\"")),
                "\"etag\":\"<etag>\"");
        // ./stowage itself, or (ReadmeIT) the jar it runs.
        SCRIPT_TO_README.put(variable("STOWAGE"), "./stowage");
    }
    /** The README's example etags ("5d41402a...", "..."): any value stands for the one PUT answered. */
    private static final Pattern README_ETAG = Pattern.compile("\"etag\":\"[^\"]*\"");

    /** {@code $NAME}, and not {@code $NAME_LONGER}. */
    private static Pattern variable(String name) {
        return Pattern.compile(Pattern.quote("$" + name) + "(?!\\w)");
    }

    @Test
    void everyReadmeCommandHasItsCounterpartInTheWalkthrough() throws IOException {
        List<String> missing = missingFromScript(Files.readString(README), Files.readString(ReadmeIT.SCRIPT));
        assertEquals(List.of(), missing, "README.md commands that " + ReadmeIT.SCRIPT
                + " does not run (as written, placeholders aside); add them there, or to NOT_RUN with the reason");
    }

    @Test
    void theReadmeAndTheDocsCarryNoMergeConflictMarkers() throws IOException {
        // A merge once left <<<<<<< in README.md: a user reads the file, no build step does.
        Pattern marker = Pattern.compile("(?m)^(<{7} |={7}$|>{7} )");
        for (Path doc : List.of(README, Path.of("..", "docs", "architecture.md"), Path.of("..", "docs", "deploy.md"),
                Path.of("..", "docs", "api.md"))) {
            assertFalse(marker.matcher(Files.readString(doc)).find(), doc + " has a merge-conflict marker");
        }
    }

    @Test
    void theReadmeStillHasEveryCommandListedAsNotRun() throws IOException {
        List<String> commands = readmeCommands(Files.readString(README));
        for (String command : NOT_RUN.keySet()) {
            assertTrue(commands.contains(command), "NOT_RUN lists '" + command + "', which README.md no longer has");
        }
        // The walk-through's own commands were found too, so an extraction that finds nothing cannot pass.
        assertTrue(commands.size() >= NOT_RUN.size() + 8, "too few README commands found: " + commands);
    }

    @Test
    void aChangedReadmeCommandIsReportedMissing() throws IOException {
        String readme = Files.readString(README);
        String script = Files.readString(ReadmeIT.SCRIPT);
        String renamed = readme.replace("/v1/uploads/<session>/url", "/v1/uploads/<session>/sign");
        assertTrue(!renamed.equals(readme), "README.md no longer signs with /v1/uploads/<session>/url");
        assertEquals(List.of("curl -s -X POST $API/v1/uploads/<session>/sign -H \"$AUTH\""),
                missingFromScript(renamed, script));
        String changedEtagPipe = readme.replace("-D - | grep -i etag", "-i | grep -i etag");
        assertEquals(List.of("curl -s -X PUT --data-binary @part1 '<url>' -i | grep -i etag"),
                missingFromScript(changedEtagPipe, script));
    }

    @Test
    void commandsAreLogicalLinesWithoutCommentsAndWithContinuationsJoined() {
        String markdown = """
                Prose with `inline code`.

                ```sh
                # a comment line
                curl -s -X POST $API/v1/uploads -H "$AUTH" \\
                  -d '{"a":"# not a comment"}'     # a trailing comment
                echo "two  spaces"; ls
                ```

                ```text
                not a command
                ```
                """;
        assertEquals(List.of("curl -s -X POST $API/v1/uploads -H \"$AUTH\" -d '{\"a\":\"# not a comment\"}'",
                "echo \"two spaces\"; ls"), readmeCommands(markdown));
    }

    /** The README's commands (less NOT_RUN) that no logical line of the script contains, in README order. */
    static List<String> missingFromScript(String readme, String script) {
        List<String> scriptLines = logicalLines(script).stream().map(ReadmeCommandsTest::inReadmeSpelling).toList();
        List<String> missing = new ArrayList<>();
        for (String command : readmeCommands(readme)) {
            if (NOT_RUN.containsKey(command)) {
                continue;
            }
            String wanted = etagsAsPlaceholder(command);
            if (scriptLines.stream().noneMatch(line -> containsCommand(line, wanted))) {
                missing.add(command);
            }
        }
        return missing;
    }

    /** Every logical line of every {@code ```sh} block, comments dropped and whitespace collapsed. */
    static List<String> readmeCommands(String markdown) {
        List<String> commands = new ArrayList<>();
        StringBuilder block = null;
        for (String line : markdown.split("\n", -1)) {
            if (block == null && line.strip().equals("```sh")) {
                block = new StringBuilder();
            } else if (block != null && line.strip().equals("```")) {
                commands.addAll(logicalLines(block.toString()));
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return commands;
    }

    /**
     * Shell text as the shell reads it into commands: a backslash-newline joins lines, a newline inside quotes
     * does not end one, and a {@code #} that starts a word outside quotes comments out the rest of the line.
     */
    static List<String> logicalLines(String shell) {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < shell.length(); i++) {
            char c = shell.charAt(i);
            if (c == '\\' && !single && i + 1 < shell.length()) {
                char next = shell.charAt(++i);
                current.append(next == '\n' ? " " : "\\" + next);
            } else if (c == '\'' && !dbl) {
                single = !single;
                current.append(c);
            } else if (c == '"' && !single) {
                dbl = !dbl;
                current.append(c);
            } else if (c == '#' && !single && !dbl && (current.isEmpty() || Character.isWhitespace(current.charAt(current.length() - 1)))) {
                while (i + 1 < shell.length() && shell.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (c == '\n' && !single && !dbl) {
                add(lines, current);
            } else {
                current.append(c);
            }
        }
        add(lines, current);
        return lines;
    }

    private static void add(List<String> lines, StringBuilder current) {
        String line = current.toString().strip().replaceAll("\\s+", " ");
        if (!line.isEmpty()) {
            lines.add(line);
        }
        current.setLength(0);
    }

    private static String inReadmeSpelling(String scriptLine) {
        String line = scriptLine;
        for (var rule : SCRIPT_TO_README.entrySet()) {
            line = rule.getKey().matcher(line).replaceAll(rule.getValue());
        }
        return etagsAsPlaceholder(line);
    }

    private static String etagsAsPlaceholder(String line) {
        return README_ETAG.matcher(line).replaceAll(Matcher.quoteReplacement("\"etag\":\"<etag>\""));
    }

    /** {@code line} runs {@code command}: it holds it as whole words, e.g. {@code ALICE=$(./stowage token --sub alice)}. */
    private static boolean containsCommand(String line, String command) {
        for (int at = line.indexOf(command); at >= 0; at = line.indexOf(command, at + 1)) {
            int end = at + command.length();
            boolean startsWord = at == 0 || " (;|&=".indexOf(line.charAt(at - 1)) >= 0;
            boolean endsWord = end == line.length() || " );|&".indexOf(line.charAt(end)) >= 0;
            if (startsWord && endsWord) {
                return true;
            }
        }
        return false;
    }
}
