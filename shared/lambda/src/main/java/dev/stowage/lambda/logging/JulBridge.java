package dev.stowage.lambda.logging;

import io.micronaut.context.annotation.Context;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The domain logs through {@code java.util.logging}, so it needs no logging framework; this routes those
 * records into SLF4J (logback), so they come out as every other line does: JSON on Lambda, with the
 * level logback sets, instead of the JDK's two-line stderr format. Installed as the context starts.
 */
@Context
public class JulBridge {

    public JulBridge() {
        install();
    }

    /** Idempotent: a second context in the same JVM (tests, the local stack) installs nothing twice. */
    static synchronized void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
