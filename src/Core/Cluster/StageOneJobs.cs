namespace TtLora.Core.Cluster;

/// <summary>
/// Submits a stage-one run to Slurm and resubmits what failed: the expert array first, then the router-and-eval job
/// with <c>afterok</c> on it, so the router starts only when every expert of the round is in the registry. Each array
/// task writes its own expert name, and the registry publishes each expert folder atomically, so concurrent tasks
/// never see a half-written expert.
/// </summary>
public static class StageOneJobs
{
    /// <summary>Submits every task and the router; records the round in the submission file and returns the updated record.</summary>
    public static StageOneSubmission Submit(StageOneSubmission submission, SlurmClient slurm) =>
        SubmitRound(submission, slurm, submission.Tasks.Select(t => t.Index).ToArray(), router: true);

    /// <summary>
    /// Resubmits only the tasks that failed (or that Slurm forgot without their expert being written), and the router after
    /// them; or only the router when every expert is there but the router did not finish. Refuses while tasks still run.
    /// </summary>
    public static StageOneSubmission RetryFailed(StageOneSubmission submission, SlurmClient slurm, out StageOneStatus before)
    {
        if (submission.Attempts.Count == 0)
            throw new TtLoraException($"--retry-failed: \"{submission.Name}\" was never submitted (a --dry-run); submit it without --dry-run");
        before = StageOneStatus.Read(submission, slurm);
        var active = before.Tasks.Where(t => t.IsActive).ToList();
        if (active.Count > 0)
            throw new TtLoraException($"--retry-failed: {active.Count} task(s) of \"{submission.Name}\" are still {string.Join("/", active.Select(t => t.State).Distinct())} ({string.Join(", ", active.Select(t => t.Task.Task))}); wait for them (`ttlora jobs {submission.Name}`)");
        var failed = before.Tasks.Where(t => t.NeedsRetry).Select(t => t.Task.Index).ToArray();
        var routerState = before.Router.State;
        bool routerActive = routerState != StageOneStatus.NotSubmitted && routerState != StageOneStatus.Unknown && !SlurmJobRecord.IsFinished(routerState);
        bool routerDone = routerState == "COMPLETED";
        if (failed.Length == 0 && (routerDone || routerActive))
            throw new TtLoraException($"--retry-failed: nothing failed in \"{submission.Name}\" (router {routerState.ToLowerInvariant()})");
        return SubmitRound(submission, slurm, failed, router: true);
    }

    static StageOneSubmission SubmitRound(StageOneSubmission submission, SlurmClient slurm, IReadOnlyList<int> indices, bool router)
    {
        string? arrayJob = null;
        if (indices.Count > 0)
            arrayJob = slurm.Submit(submission.ArrayScript, [$"--array={SlurmJobRecord.CompactIndices(indices)}"]);
        var recorded = submission with { Attempts = [.. submission.Attempts, new SlurmAttempt(arrayJob, indices, null, DateTimeOffset.UtcNow)] };
        recorded.Save();
        if (!router) return recorded;
        string routerJob;
        try
        {
            // --kill-on-invalid-dep: when a task fails the router is cancelled at once instead of pending forever.
            routerJob = slurm.Submit(submission.RouterScript, arrayJob is null ? [] : [$"--dependency=afterok:{arrayJob}", "--kill-on-invalid-dep=yes"]);
        }
        catch (TtLoraException e)
        {
            throw new TtLoraException($"{e.Message} (the expert array {arrayJob} was submitted; `ttlora submit --retry-failed {submission.Name}` submits the router once it finishes)");
        }
        var last = recorded.Attempts[^1] with { RouterJobId = routerJob };
        recorded = recorded with { Attempts = [.. recorded.Attempts.Take(recorded.Attempts.Count - 1), last] };
        recorded.Save();
        return recorded;
    }
}
