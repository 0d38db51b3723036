package dev.stowage.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which database URLs the local stack takes as its own machine's. */
class StowageLocalTest {

    @Test
    void onlyLoopbackServersCountAsThisMachine() {
        for (String local : new String[] {"jdbc:postgresql://localhost:5432/stowage",
                "jdbc:postgresql://127.0.0.1:54321/postgres?user=x", "jdbc:postgresql://[::1]:5432/stowage",
                "jdbc:postgresql://127.0.0.2/stowage", "jdbc:postgresql:stowage"}) {
            assertEquals(true, StowageLocal.isOnThisMachine(local), local);
        }
        for (String remote : new String[] {"jdbc:postgresql://stowage-db.eu-west-1.rds.amazonaws.com:5432/stowage",
                "jdbc:postgresql://10.0.0.5:5432/stowage", "jdbc:postgresql://localhost:5432,db.example.com:5432/s",
                "jdbc:postgresql://db/stowage", "jdbc:mysql://localhost/stowage", "jdbc:postgresql://"}) {
            assertEquals(false, StowageLocal.isOnThisMachine(remote), remote);
        }
    }
}
