package io.userstream.ingest.run;

import io.userstream.ingest.fetch.Nationalities;
import io.userstream.ingest.ledger.FailedUser;
import io.userstream.ingest.ledger.IngestionRun;
import io.userstream.ingest.ledger.NewRun;
import io.userstream.ingest.ledger.RunLedger;
import io.userstream.ingest.ledger.RunStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Starts, resumes and reports runs. Runs execute on their own threads (never the event loop); the
 * ledger is the source of truth for their state. Blocking: call it from a blocking-capable scheduler.
 */
@Service
public class IngestionService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(IngestionService.class);

    private final RunLedger ledger;
    private final RunExecution execution;
    private final RunProperties properties;
    private final ThreadPoolExecutor runThreads;
    /** The runs queued or executing in this instance: the ones whose lease it renews. */
    private final Map<UUID, Future<?>> here = new ConcurrentHashMap<>();

    public IngestionService(RunLedger ledger, RunExecution execution, RunProperties properties) {
        this.ledger = ledger;
        this.execution = execution;
        this.properties = properties;
        AtomicInteger threads = new AtomicInteger();
        this.runThreads = new ThreadPoolExecutor(properties.concurrentRuns(), properties.concurrentRuns(),
                0, TimeUnit.MILLISECONDS,
                properties.queuedRuns() == 0 ? new SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(properties.queuedRuns()),
                task -> new Thread(task, "ingestion-run-" + threads.incrementAndGet()));
    }

    /**
     * Creates and schedules a run, or returns the run already created under the same idempotency key for
     * the same request.
     *
     * @throws UnsupportedNationalitiesException  for a nationality no source serves
     * @throws IdempotencyKeyReusedException      for a key already used with a different request
     */
    public Started start(StartRequest request) {
        List<String> nationalities = request.nationalities() == null ? List.of()
                : request.nationalities().stream().map(n -> n.toUpperCase(Locale.ROOT)).distinct().toList();
        List<String> unsupported = Nationalities.unsupported(nationalities);
        if (!unsupported.isEmpty()) {
            throw new UnsupportedNationalitiesException(unsupported, Nationalities.SUPPORTED);
        }
        String seed = request.seed() != null ? request.seed() : UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        int batchSize = request.batchSize() != null ? request.batchSize() : properties.defaultBatchSize();
        String fingerprint = fingerprint(request, nationalities);
        RunLedger.Created created = ledger.create(new NewRun(request.source(), request.count(),
                Math.min(batchSize, request.count()), seed, nationalities, request.idempotencyKey(), fingerprint));
        if (created.isNew()) {
            schedule(created.run().id(), RunStatus.PENDING);
        } else if (created.requestFingerprint() != null && !created.requestFingerprint().equals(fingerprint)) {
            throw new IdempotencyKeyReusedException(request.idempotencyKey(), created.run().id());
        }
        return new Started(ledger.find(created.run().id()).orElseThrow(), created.isNew());
    }

    /**
     * SHA-256 of the request as the client sent it (absent seed and batch size stay absent: a retry of
     * the same request leaves them out again), nationalities normalized as the run records them.
     */
    static String fingerprint(StartRequest request, List<String> nationalities) {
        String canonical = String.join("\n", "source=" + request.source().id(), "count=" + request.count(),
                "batchSize=" + request.batchSize(), "seed=" + request.seed(),
                "nationalities=" + String.join(",", nationalities));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public record Started(IngestionRun run, boolean isNew) {
    }

    /** Schedules a FAILED run again; only pages not yet acknowledged are fetched and published. */
    public IngestionRun resume(UUID id) {
        IngestionRun run = find(id);
        if (run.status() != RunStatus.FAILED || !ledger.markPendingForResume(id)) {
            throw new RunNotResumableException(id, find(id).status());
        }
        schedule(id, RunStatus.PENDING);
        return find(id);
    }

    public IngestionRun find(UUID id) {
        return ledger.find(id).orElseThrow(() -> new RunNotFoundException(id));
    }

    public List<IngestionRun> recent(int limit) {
        return ledger.recent(limit);
    }

    /** The unusable users of a run with their reasons (404 for an unknown run). */
    public List<FailedUser> failures(UUID id, int limit) {
        find(id);
        return ledger.failures(id, limit);
    }

    /** Schedules a run {@link RunTakeover} claimed for this instance (now PENDING): interrupted, released or abandoned. */
    void resumeClaimed(UUID runId) {
        schedule(runId, RunStatus.PENDING);
    }

    /** The runs queued or executing here. */
    Set<UUID> runsHere() {
        return Set.copyOf(here.keySet());
    }

    /** Stops executing a run another instance took over (it does not touch the ledger: the run is not this one's). */
    void abandon(UUID runId) {
        Future<?> run = here.remove(runId);
        if (run != null) {
            log.warn("Run {} was taken over by another instance while this one did not renew its lease; stopping it here", runId);
            run.cancel(true);
        }
    }

    public Optional<IngestionRun> findByIdempotencyKey(String key) {
        return ledger.findByIdempotencyKey(key);
    }

    private void schedule(UUID id, RunStatus from) {
        AtomicReference<Future<?>> self = new AtomicReference<>();
        FutureTask<Void> run = new FutureTask<>(() -> {
            try {
                execution.execute(id, from);
            } finally {
                here.remove(id, self.get());
            }
        }, null);
        self.set(run);
        here.put(id, run);
        try {
            runThreads.execute(run);
        } catch (RejectedExecutionException e) {
            here.remove(id);
            ledger.markFailed(id, "rejected: " + properties.concurrentRuns() + " runs executing and "
                    + properties.queuedRuns() + " queued; resume this run later");
        }
    }

    /**
     * Interrupts running runs so they record themselves PENDING (interrupted) and released while the ledger is still
     * open, and releases the ones still queued; another instance, or the next start, resumes them. At the first sign
     * of the stop, before any component stops: the HTTP client's connection pools stop with the context's lifecycle,
     * before beans are destroyed, and a page cut off by that ("connection prematurely closed") failed the run instead
     * (CrashResumeIT).
     */
    @EventListener(ContextClosedEvent.class)
    public void stopRuns() throws InterruptedException {
        if (runThreads.isShutdown()) {
            return;
        }
        runThreads.shutdownNow();
        if (!runThreads.awaitTermination(properties.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("Runs still executing after {}; their leases run out and another instance or the next start resumes them",
                    properties.shutdownGrace());
        }
        try {
            ledger.releaseQueued(runsHere()); // executing ones released themselves (RunExecution), queued ones never started
        } catch (RuntimeException e) {
            log.warn("Could not release the runs queued here; another instance takes them once their leases run out: {}", e.toString());
        }
    }

    /** The same for a context closed without its closed event (a failed start). */
    @Override
    public void destroy() throws InterruptedException {
        stopRuns();
    }
}
