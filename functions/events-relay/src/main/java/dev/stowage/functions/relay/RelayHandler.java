package dev.stowage.functions.relay;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.stowage.domain.event.RelayEvents;
import dev.stowage.lambda.snapstart.SnapStartPriming;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.SerdeImport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventBridge schedule → one relay run: committed outbox events go to the bus, oldest first, ten a
 * PutEvents. Retry-vs-drop: nothing to retry here; what the bus refused stays in the outbox for the next run.
 */
@SerdeImport(RelayEvents.Outcome.class) // the domain record stays free of framework annotations
public class RelayHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

    private final JsonMapper json;
    private final RelayEvents relay;
    private final SnapStartPriming priming;

    /** Used by the Lambda runtime. */
    public RelayHandler() {
        this(ApplicationContext.run());
    }

    /**
     * With the SnapStart hook, which primes nothing (a run publishes whatever the outbox holds) but closes the
     * pool before the snapshot and reopens it after.
     */
    public RelayHandler(ApplicationContext context) {
        this.json = context.getBean(JsonMapper.class);
        this.relay = context.getBean(RelayEvents.class);
        this.priming = SnapStartPriming.register(context, SnapStartPriming.Primer.NONE);
    }

    public SnapStartPriming priming() {
        return priming;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes(); // the scheduled event says nothing the relay needs
        RelayEvents.Outcome outcome = relay.execute();
        if (outcome.published() + outcome.refused() > 0) {
            LOG.info("relay {}", outcome);
        }
        json.writeValue(output, outcome);
    }
}
