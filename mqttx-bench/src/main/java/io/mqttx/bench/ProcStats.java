package io.mqttx.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * CPU time and resident memory of this tool and of the broker under test, read from /proc, so a
 * result shows whether the tool or the broker was the bottleneck: both share the machine.
 */
public final class ProcStats {

    /** USER_HZ is part of the Linux user-space ABI and 100 on every architecture the JDK runs on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    /** CPU time of this JVM, user plus system, in nanoseconds; -1 when the JVM does not tell. */
    public static long toolCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** utime + stime of a process in nanoseconds, from /proc/PID/stat. */
    public static OptionalLong cpuNanos(long pid) {
        try {
            return OptionalLong.of(parseStatCpuNanos(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** VmRSS of a process in KiB, from /proc/PID/status. */
    public static OptionalLong rssKib(long pid) {
        try {
            return parseStatusRssKib(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The soft limit on open files of this process, which caps how many connections it can open. */
    public static OptionalLong openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[0].equals("unlimited") ? OptionalLong.of(Long.MAX_VALUE) : OptionalLong.of(Long.parseLong(f[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc not mounted: the caller just skips its warning.
        }
        return OptionalLong.empty();
    }

    /**
     * Busy time of the whole machine (all cores, first line of /proc/stat) in nanoseconds, split
     * into interrupt time (irq + softirq: on loopback that is mostly the TCP work of both sides,
     * which no process is charged for) and the rest. Minus the tool and the broker, the rest shows
     * whether other processes competed for the CPU during a run.
     */
    public static java.util.Optional<MachineBusy> machineBusy() {
        try (java.io.BufferedReader r = Files.newBufferedReader(Path.of("/proc/stat"))) {
            return java.util.Optional.of(parseMachineBusy(r.readLine()));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Machine-wide busy nanoseconds: interrupt handling, and everything else that is not idle. */
    public record MachineBusy(long interruptNanos, long otherNanos) {
    }

    static MachineBusy parseMachineBusy(String cpuLine) {
        // cpu user nice system idle iowait irq softirq steal ...
        String[] f = cpuLine.trim().split("\\s+");
        if (!f[0].equals("cpu")) {
            throw new IllegalArgumentException("not the aggregate cpu line: " + cpuLine);
        }
        long interrupts = Long.parseLong(f[6]) + Long.parseLong(f[7]);
        long rest = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                + (f.length > 8 ? Long.parseLong(f[8]) : 0);
        long tick = 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
        return new MachineBusy(interrupts * tick, rest * tick);
    }

    static long parseStatCpuNanos(String stat) {
        // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
        String afterName = stat.substring(stat.lastIndexOf(')') + 2);
        String[] f = afterName.trim().split(" +");
        // afterName starts at field 3 (state); utime and stime are fields 14 and 15.
        long ticks = Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    static OptionalLong parseStatusRssKib(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] f = line.substring(6).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(f[0]));
            }
        }
        return OptionalLong.empty();
    }

    /** CPU use over a wall-clock interval as a percentage of one core (200 = two cores busy). */
    public static OptionalDouble percent(long cpuNanosBefore, long cpuNanosAfter, long wallNanos) {
        if (cpuNanosBefore < 0 || cpuNanosAfter < 0 || wallNanos <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(100.0 * (cpuNanosAfter - cpuNanosBefore) / wallNanos);
    }

    /** A before/after CPU reading of the tool and, when a pid is given, the broker. */
    public record CpuSnapshot(long wallNanos, long toolCpuNanos, OptionalLong brokerCpuNanos,
                              java.util.Optional<MachineBusy> machine) {

        public static CpuSnapshot take(OptionalLong brokerPid) {
            OptionalLong broker = brokerPid.isPresent() ? cpuNanos(brokerPid.getAsLong()) : OptionalLong.empty();
            return new CpuSnapshot(System.nanoTime(), ProcStats.toolCpuNanos(), broker, ProcStats.machineBusy());
        }

        /**
         * Adds, each as a percentage of one core: cpu_tool_pct, broker_cpu_pct, irq_cpu_pct (the
         * machine's interrupt time, mostly loopback TCP) and other_cpu_pct (non-interrupt busy time
         * of everything but the tool and the broker: other processes disturbing the run).
         */
        public void putUsageSince(CpuSnapshot start, ResultLine line) {
            long wall = wallNanos - start.wallNanos;
            OptionalDouble tool = percent(start.toolCpuNanos, toolCpuNanos, wall);
            OptionalDouble broker = start.brokerCpuNanos.isPresent() && brokerCpuNanos.isPresent()
                    ? percent(start.brokerCpuNanos.getAsLong(), brokerCpuNanos.getAsLong(), wall)
                    : OptionalDouble.empty();
            boolean haveMachine = start.machine.isPresent() && machine.isPresent();
            OptionalDouble irq = haveMachine
                    ? percent(start.machine.get().interruptNanos(), machine.get().interruptNanos(), wall)
                    : OptionalDouble.empty();
            OptionalDouble rest = haveMachine
                    ? percent(start.machine.get().otherNanos(), machine.get().otherNanos(), wall)
                    : OptionalDouble.empty();
            line.put("cpu_tool_pct", tool);
            line.put("broker_cpu_pct", broker);
            line.put("irq_cpu_pct", irq);
            line.put("other_cpu_pct", rest.isPresent() && tool.isPresent() && broker.isPresent()
                    ? OptionalDouble.of(Math.max(0, rest.getAsDouble() - tool.getAsDouble() - broker.getAsDouble()))
                    : OptionalDouble.empty());
        }
    }
}
