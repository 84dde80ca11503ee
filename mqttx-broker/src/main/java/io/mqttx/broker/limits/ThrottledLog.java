package io.mqttx.broker.limits;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One kind of INFO line that any client can cause at will (a socket that never sends CONNECT, a malformed packet, a
 * refused CONNECT): a flood of such clients must not become a flood of the log. The first occurrence, and then at
 * most one per interval, is logged at INFO with how many there were since the previous INFO line; every other one
 * at DEBUG. Shared by all connections of a broker, whatever loop they run on.
 */
public final class ThrottledLog {
    private static final long INTERVAL_SECONDS = 10;

    private final Logger log;
    private final TokenBucket lines = TokenBucket.oncePer(INTERVAL_SECONDS, TimeUnit.SECONDS);
    private final LongAdder sinceLine = new LongAdder();

    public ThrottledLog(Logger log) {
        this.log = log;
    }

    /** Logs one occurrence, described as {@code format} and {@code args} are for {@link Logger#info}. */
    public void log(String format, Object... args) {
        sinceLine.increment();
        if (lines.tryTake()) {
            long count = sinceLine.sumThenReset();
            String line = MessageFormatter.arrayFormat(format, args).getMessage();
            if (count == 1) {
                log.info(line);
            } else {
                log.info("{} ({} of this kind since the last such line, which comes at most every {} s;"
                        + " each one is logged at DEBUG)", line, count, INTERVAL_SECONDS);
            }
        } else if (log.isDebugEnabled()) {
            log.debug(format, args);
        }
    }
}
