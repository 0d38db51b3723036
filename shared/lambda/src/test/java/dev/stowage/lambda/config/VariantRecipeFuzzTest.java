package dev.stowage.lambda.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stowage.domain.profile.VariantSpec;
import dev.stowage.testkit.fuzz.Fuzz;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Fuzzes the variant recipe parser with Jazzer: whatever is configured as {@code <name>\n<recipe>} (or a recipe
 * alone, for a variant named {@code thumb}), a recipe within its stated bounds or the one documented refusal,
 * {@code invalid setting <name>: why}, which stops start-up naming the setting; never another exception. A recipe
 * that parses then sizes any picture a header can state: inside its box, at least a pixel, never enlarged.
 */
// Public, with public targets, so that EdgeDecodersFuzzTest can fuzz them all in one JVM.
public class VariantRecipeFuzzTest {
    static final String SETTING = "stowage.profiles.image.variants.thumb";
    static final long BUDGET = 4L << 20;
    static final int[] SOURCE_SIDES = {1, 2, 3, 99_999, 100_000, 65_535, Integer.MAX_VALUE};

    @FuzzTest
    public void recipe(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String name = newline < 0 ? "thumb" : text.substring(0, newline);
        String spec = newline < 0 ? text : text.substring(newline + 1);
        VariantSpec parsed = Fuzz.run(() -> ProfileParser.variant(SETTING, name, spec)).allocatedAtMost(BUDGET)
                .answeredOrRefused(IllegalArgumentException.class,
                        e -> e.getMessage().startsWith("invalid setting " + SETTING));
        if (parsed == null) {
            return;
        }
        assertEquals(name, parsed.name());
        assertTrue(parsed.width() >= 1 && parsed.width() <= 99_999, parsed.toString());
        assertTrue(parsed.height() >= 1 && parsed.height() <= 99_999, parsed.toString());
        assertTrue(parsed.quality() >= 1 && parsed.quality() <= 100, parsed.toString());
        assertTrue(Set.of("jpeg", "png", "webp", "gif").contains(parsed.format()), parsed.toString());
        assertTrue(parsed.recipeDigest().matches("[0-9a-f]{16}"), parsed.recipeDigest());
        for (int width : SOURCE_SIDES) {
            for (int height : SOURCE_SIDES) {
                VariantSpec.Size out = Fuzz.run(() -> parsed.outputSize(width, height)).answered();
                if (parsed.fit() == VariantSpec.Fit.CONTAIN) {
                    assertTrue(out.width() >= 1 && out.width() <= Math.min(parsed.width(), width), out + " of " + width);
                    assertTrue(out.height() >= 1 && out.height() <= Math.min(parsed.height(), height), out + " of " + height);
                } else {
                    assertEquals(new VariantSpec.Size(parsed.width(), parsed.height()), out);
                }
            }
        }
    }
}
