package dev.stowage.lambda.wiring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.Closeable;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The function's Hikari pool, which a SnapStart snapshot can be taken without: {@link #closeForCheckpoint()}
 * shuts the pool down (every connection closed, its threads ended, before it returns) and the next
 * {@link #getConnection()} after {@link #reopen()} starts a new pool from the same configuration.
 *
 * <p>Suspending the pool instead ({@code suspendPool} + {@code softEvictConnections}) leaves the sockets to be
 * closed by Hikari's closer thread at some later moment, possibly inside the snapshot.
 */
public final class CheckpointablePool implements DataSource, Closeable {

    private final HikariConfig config;
    private volatile HikariDataSource pool;
    private volatile boolean closedForCheckpoint;

    /** Starts the pool now, as Micronaut's own factory does (with Hikari's first connection, unless configured off). */
    public CheckpointablePool(HikariConfig config) {
        this.config = config;
        this.pool = new HikariDataSource(config);
    }

    /** Closes every connection and the pool's threads; waits for both. Requests must not be in flight. */
    public synchronized void closeForCheckpoint() {
        HikariDataSource current = pool;
        closedForCheckpoint = true;
        pool = null;
        if (current != null) {
            current.close();
        }
    }

    /** Lets the next {@link #getConnection()} start a new pool; connects nothing itself, so a restore stays fast. */
    public synchronized void reopen() {
        closedForCheckpoint = false;
    }

    /** True while the pool has connections, or may open them (not between a checkpoint and a restore). */
    public boolean isOpen() {
        HikariDataSource current = pool;
        return current != null && !current.isClosed();
    }

    /** The live pool, started on demand after {@link #reopen()}. */
    public HikariDataSource pool() {
        HikariDataSource current = pool;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (closedForCheckpoint) {
                throw new IllegalStateException("the database pool is closed for a SnapStart checkpoint");
            }
            if (pool == null) {
                // The no-argument pool starts on its first getConnection(), on the request that needs it.
                HikariDataSource fresh = new HikariDataSource();
                config.copyStateTo(fresh);
                pool = fresh;
            }
            return pool;
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return pool().getConnection(username, password);
    }

    @Override
    public synchronized void close() {
        HikariDataSource current = pool;
        pool = null;
        closedForCheckpoint = true;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        HikariDataSource current = pool();
        return type.isInstance(current) ? type.cast(current) : current.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || type.isInstance(pool()) || pool().isWrapperFor(type);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger(Logger.GLOBAL_LOGGER_NAME);
    }

    @Override
    public String toString() {
        return "CheckpointablePool[" + config.getPoolName() + ", " + config.getJdbcUrl() + "]";
    }
}
