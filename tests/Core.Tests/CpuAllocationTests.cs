namespace TtLora.Core.Tests;

public class CpuAllocationTests
{
    static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void SlurmCpusPerTaskWinsOverTheNodesCores()
    {
        var allocation = CpuAllocation.Decide(Env(("SLURM_JOB_ID", "12"), ("SLURM_CPUS_PER_TASK", "3"), ("SLURM_CPUS_ON_NODE", "64")), 64);
        Assert.Equal(3, allocation.Threads);
        Assert.Equal("SLURM_CPUS_PER_TASK=3", allocation.Source);
    }

    [Fact]
    public void InsideAJobWithoutCpusPerTaskTheJobsCpusOnTheNodeCount()
    {
        Assert.Equal(8, CpuAllocation.Decide(Env(("SLURM_JOB_ID", "12"), ("SLURM_CPUS_ON_NODE", "8")), 64).Threads);
        // Outside a job a stray SLURM_CPUS_ON_NODE means nothing.
        Assert.Equal(64, CpuAllocation.Decide(Env(("SLURM_CPUS_ON_NODE", "8")), 64).Threads);
    }

    [Fact]
    public void TheOverrideWinsAndMustBeAPositiveNumber()
    {
        Assert.Equal(1, CpuAllocation.Decide(Env(("TTLORA_THREADS", "1"), ("SLURM_CPUS_PER_TASK", "4")), 8).Threads);
        var error = Assert.Throws<TtLoraException>(() => CpuAllocation.Decide(Env(("TTLORA_THREADS", "all")), 8));
        Assert.Contains("TTLORA_THREADS", error.Message);
        Assert.Throws<TtLoraException>(() => CpuAllocation.Decide(Env(("TTLORA_THREADS", "0")), 8));
    }

    [Fact]
    public void WithoutSettingsTheAffinityCountIsUsedAndANonsenseSlurmValueIsIgnored()
    {
        var allocation = CpuAllocation.Decide(Env(("SLURM_CPUS_PER_TASK", "x")), 6);
        Assert.Equal(6, allocation.Threads);
        Assert.Equal("processor affinity", allocation.Source);
    }
}
