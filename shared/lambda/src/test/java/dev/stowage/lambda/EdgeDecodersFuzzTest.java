package dev.stowage.lambda;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stowage.lambda.config.VariantRecipeFuzzTest;
import dev.stowage.lambda.events.EventDecodersFuzzTest;
import dev.stowage.lambda.http.RequestBodiesFuzzTest;
import dev.stowage.lambda.streaming.MuxWebhookFuzzTest;
import dev.stowage.media.HeaderReadersFuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fuzz target of this module and shared/media's header readers behind one, because Jazzer fuzzes one target
 * per JVM and its agent costs seconds to install: the first byte of an input picks the target, the rest is that
 * target's input. The whole probe is left to the long run: Tika and metadata-extractor make it a hundred times
 * slower a try than the rest, which would leave a few seconds' run little else.
 * This is the short fuzz run of every {@code ./mvnw verify} (the fuzz execution in this module's POM, after the
 * replay of every target's inputs; {@code -Dfuzz.skip=true} leaves it out); the long run fuzzes each target on its
 * own ({@code bench/fuzz.sh}). Its seeds are every target's seeds, each behind its target's byte. A target added
 * here has its parser's classes added to that execution's {@code jazzer.instrument} list, which instruments only
 * what it names.
 */
class EdgeDecodersFuzzTest {
    private record Target(String inputs, Consumer<byte[]> check) {}

    private static final List<Target> TARGETS = List.of(
            new Target("/dev/stowage/media/HeaderReadersFuzzTestInputs/jpegHeader", b -> new HeaderReadersFuzzTest().jpegHeader(b)),
            new Target("/dev/stowage/media/HeaderReadersFuzzTestInputs/webImageHeaders", b -> new HeaderReadersFuzzTest().webImageHeaders(b)),
            new Target("/dev/stowage/media/HeaderReadersFuzzTestInputs/iconAndPsdHeaders", b -> new HeaderReadersFuzzTest().iconAndPsdHeaders(b)),
            new Target("/dev/stowage/media/HeaderReadersFuzzTestInputs/isoBmff", b -> new HeaderReadersFuzzTest().isoBmff(b)),
            new Target("/dev/stowage/media/HeaderReadersFuzzTestInputs/mpegAudio", b -> new HeaderReadersFuzzTest().mpegAudio(b)),
            new Target("/dev/stowage/lambda/events/EventDecodersFuzzTestInputs/sqsMessageBody", b -> new EventDecodersFuzzTest().sqsMessageBody(b)),
            new Target("/dev/stowage/lambda/streaming/MuxWebhookFuzzTestInputs/signatureHeader", b -> new MuxWebhookFuzzTest().signatureHeader(b)),
            new Target("/dev/stowage/lambda/streaming/MuxWebhookFuzzTestInputs/signedBody", b -> new MuxWebhookFuzzTest().signedBody(b)),
            new Target("/dev/stowage/lambda/http/RequestBodiesFuzzTestInputs/initiateUpload", b -> new RequestBodiesFuzzTest().initiateUpload(b)),
            new Target("/dev/stowage/lambda/http/RequestBodiesFuzzTestInputs/completeUpload", b -> new RequestBodiesFuzzTest().completeUpload(b)),
            new Target("/dev/stowage/lambda/http/RequestBodiesFuzzTestInputs/stageFile", b -> new RequestBodiesFuzzTest().stageFile(b)),
            new Target("/dev/stowage/lambda/http/RequestBodiesFuzzTestInputs/attach", b -> new RequestBodiesFuzzTest().attach(b)),
            new Target("/dev/stowage/lambda/http/RequestBodiesFuzzTestInputs/requeueVariants", b -> new RequestBodiesFuzzTest().requeueVariants(b)),
            new Target("/dev/stowage/lambda/config/VariantRecipeFuzzTestInputs/recipe", b -> new VariantRecipeFuzzTest().recipe(b)));

    @MethodSource("everyTargetsSeeds")
    @FuzzTest
    void anyDecoder(byte[] input) {
        int pick = input.length == 0 ? 0 : Byte.toUnsignedInt(input[0]) % TARGETS.size();
        TARGETS.get(pick).check().accept(input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length));
    }

    static Stream<byte[]> everyTargetsSeeds() {
        return IntStream.range(0, TARGETS.size()).boxed().flatMap(i -> seeds(TARGETS.get(i).inputs())
                .map(seed -> {
                    byte[] input = new byte[seed.length + 1];
                    input[0] = (byte) (int) i;
                    System.arraycopy(seed, 0, input, 1, seed.length);
                    return input;
                }));
    }

    // A directory here, or one in shared/media's test jar.
    private static Stream<byte[]> seeds(String inputs) {
        try {
            URI uri = EdgeDecodersFuzzTest.class.getResource(inputs).toURI();
            if (uri.getScheme().equals("jar")) {
                try {
                    FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException notYet) {
                    FileSystems.newFileSystem(uri, Map.of());
                }
            }
            try (Stream<Path> files = Files.list(Path.of(uri))) {
                return files.filter(Files::isRegularFile).sorted().map(EdgeDecodersFuzzTest::read).toList().stream();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no seeds at " + inputs + " on the test classpath", e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
