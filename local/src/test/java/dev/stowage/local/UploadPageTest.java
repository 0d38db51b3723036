package dev.stowage.local;

import dev.stowage.testkit.TestStack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stowage.domain.profile.Profile;
import dev.stowage.domain.profile.Profiles;
import dev.stowage.testkit.Eventually;
import dev.stowage.testkit.TestMedia;
import io.micronaut.json.JsonMapper;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The launcher's upload page, in Debian's Chromium: files dropped on it go to S3 through Uppy and
 * Stowage's presigned URLs, directly or in parts, and become assets the page shows.
 */
class UploadPageTest {
    // Debian's packages: Selenium is pointed at both, so it never looks for (or downloads) a browser.
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
    static final Path SCREENSHOT = Path.of("target", "upload-page.png");

    @TempDir
    static Path temp;
    static LocalStack stack;
    static CompletableFuture<ChromeDriver> chromium;
    static ChromeDriver browser;
    static JsonMapper json;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        // A missing browser fails the build rather than skipping the test: .ci/run installs both.
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the upload page test needs " + CHROMIUM + " and " + CHROMEDRIVER
                        + ": apt-get install chromium chromium-driver");
        // Both take seconds; neither needs the other until the first page is opened.
        chromium = CompletableFuture.supplyAsync(UploadPageTest::startChromium);
        TestStack.Isolated servers = TestStack.get().isolated();
        stack = LocalStack.start(new LocalStack.Options(0, Optional.empty(), SECRET), servers.postgres(), servers.s3());
        json = stack.context().getBean(JsonMapper.class);
        browser = chromium.join();
    }

    static ChromeDriver startChromium() {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + temp.resolve("chromium-profile"), "--window-size=1100,1500");
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.handle((driver, failed) -> {
                    if (driver != null) {
                        driver.quit();
                    }
                    return null;
                }).join();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Test
    void thePageStartsWithTheLaunchersTokenAndTheConfiguredProfilesAndLoadsNothingFromElsewhere() {
        browser.get(stack.apiUrl().resolve("/").toString());
        // Streaming profiles are not offered: their bytes go to the provider, not to the bucket.
        List<String> configured = stack.context().getBean(Profiles.class).all().stream()
                .filter(profile -> profile.streaming().isEmpty()).map(Profile::name).toList();
        assertTrue(configured.size() < stack.context().getBean(Profiles.class).all().size(), "no streaming profile");
        Eventually.await(Duration.ofSeconds(10), () -> !profileOptions().isEmpty(), "the profiles");

        assertEquals(configured, profileOptions().stream().map(o -> o.getDomProperty("value")).toList());
        assertEquals(stack.devToken(), browser.findElement(By.id("token")).getDomProperty("value"));
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) browser.executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name)");
        assertTrue(loaded.stream().anyMatch(url -> url.endsWith("/uppy.min.js")), loaded.toString());
        assertTrue(loaded.stream().allMatch(url -> url.startsWith(stack.apiUrl().toString())),
                "every resource comes from the launcher: " + loaded);
    }

    @Test
    @SuppressWarnings("unchecked")
    void droppedFilesGoToS3DirectlyAndInPartsAndBecomeReadyAssets() throws Exception {
        Path photo = Files.write(temp.resolve("progressive.jpg"), TestMedia.bytes("progressive.jpg"));
        // Larger than the 8 MiB part Stowage plans, so it goes up in two parts, in parallel.
        Path large = Files.write(temp.resolve("large.jpg"), noiseJpeg(2560, 1920));
        assertTrue(Files.size(large) > 8 << 20, "large.jpg must need two parts: " + Files.size(large));

        // A threshold of 0 sends every file multipart that Uppy lets go multipart (above 5 MiB).
        browser.get(stack.apiUrl().resolve("/?multipartThreshold=0").toString());
        Eventually.await(Duration.ofSeconds(10), () -> !profileOptions().isEmpty(), "the profiles");
        browser.findElement(By.cssSelector("#profile option[value=image]")).click();
        browser.findElement(By.cssSelector("input.uppy-Dashboard-input[type=file]:not([webkitdirectory])"))
                .sendKeys(photo + "\n" + large);

        Eventually.await(Duration.ofSeconds(15), () -> cards().size() == 2, "a card for each upload session");
        Map<String, Map<String, String>> byFilename = new HashMap<>();
        for (WebElement card : cards()) {
            byFilename.put(card.findElement(By.tagName("strong")).getText(), Map.of(
                    "assetId", card.getDomAttribute("data-asset-id"),
                    "uploadId", card.getDomAttribute("data-upload-id")));
        }
        for (var upload : byFilename.values()) {
            Eventually.await(Duration.ofSeconds(20),
                    () -> "ready".equals(get("/v1/assets/" + upload.get("assetId")).get("state")),
                    "asset " + upload + " to become ready (promoted, variants rendered)");
        }

        var photoUpload = get("/v1/uploads/" + byFilename.get("progressive.jpg").get("uploadId"));
        assertEquals("direct", photoUpload.get("strategy"));
        assertEquals("completed", photoUpload.get("state"));
        var largeUpload = get("/v1/uploads/" + byFilename.get("large.jpg").get("uploadId"));
        assertEquals("multipart", largeUpload.get("strategy"));
        assertEquals(2, largeUpload.get("partCount"));
        assertEquals("completed", largeUpload.get("state"));
        var photoAsset = (Map<String, Object>) get("/v1/assets/" + byFilename.get("progressive.jpg").get("assetId"))
                .get("metadata");
        assertEquals(List.of(1000, 700), List.of(photoAsset.get("width"), photoAsset.get("height")));

        // The page polls the same API and shows the asset with what probing measured.
        Eventually.await(Duration.ofSeconds(10),
                () -> cards().stream().allMatch(c -> "ready".equals(c.getDomAttribute("data-state"))),
                "the page to show both assets as ready");
        assertTrue(browser.findElement(By.id("assets")).getText().contains("1000"), "probed width shown");
        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));
    }

    static List<WebElement> profileOptions() {
        return browser.findElements(By.cssSelector("#profile option"));
    }

    static List<WebElement> cards() {
        return browser.findElements(By.cssSelector("#assets li.asset"));
    }

    /** A GET as the page's principal; anything but 200 reads as an empty map, so a poll simply goes on. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(stack.apiUrl().resolve(path))
                    .header("Authorization", "Bearer " + stack.devToken()).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? json.readValue(response.body(), Map.class) : Map.of();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("GET " + path, e);
        }
    }

    /** A real, decodable JPEG of seeded noise: noise barely compresses, so its size follows its dimensions. */
    static byte[] noiseJpeg(int width, int height) throws IOException {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        var random = new Random(7);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextInt(1 << 24);
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam quality = writer.getDefaultWriteParam();
        quality.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        quality.setCompressionQuality(1.0f);
        var out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), quality);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
