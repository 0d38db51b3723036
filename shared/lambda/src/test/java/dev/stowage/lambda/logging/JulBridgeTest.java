package dev.stowage.lambda.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JulBridgeTest {

    @Test
    void aDomainLineLoggedThroughJavaUtilLoggingReachesLogbackOnce() {
        Logger target = (Logger) LoggerFactory.getLogger("dev.stowage.domain.Example");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        target.addAppender(seen);
        try {
            new JulBridge();
            new JulBridge(); // a second context in the same JVM
            java.util.logging.Logger.getLogger("dev.stowage.domain.Example").info("rendered variant thumb");
            java.util.logging.Logger.getLogger("dev.stowage.domain.Example").info("rendered variant thumb");
        } finally {
            target.detachAppender(seen);
        }
        assertEquals(2, seen.list.size(), "each record once, not once per installed handler: " + seen.list);
        assertTrue(seen.list.getFirst().getFormattedMessage().contains("rendered variant thumb"));
    }
}
