using TtLora.Core.Cluster;

namespace TtLora.Core.Tests.Cluster;

public class SlurmJobRecordTests
{
    // Trimmed lines of `scontrol -o show job 7` as Slurm 22.05 prints them for an array with a finished, a failed and a pending range.
    const string Output =
        "JobId=9 ArrayJobId=7 ArrayTaskId=0 JobName=demo-train UserId=u(1) JobState=COMPLETED Reason=None Dependency=(null) ExitCode=0:0 RunTime=00:00:09\n" +
        "JobId=8 ArrayJobId=7 ArrayTaskId=2 JobName=demo-train UserId=u(1) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=1:0 RunTime=00:00:04\n" +
        "JobId=7 ArrayJobId=7 ArrayTaskId=3-5,9%2 JobName=demo-train UserId=u(1) JobState=PENDING Reason=Resources Dependency=(null) ExitCode=0:0 RunTime=00:00:00\n";

    [Fact]
    public void ParsesElementsAndPendingRanges()
    {
        var records = SlurmJobRecord.ParseOneLiners(Output);
        Assert.Equal(3, records.Count);
        Assert.Equal(("8", "FAILED", "NonZeroExitCode", "1:0"), (records[1].JobId, records[1].State, records[1].Reason, records[1].ExitCode));
        Assert.Equal([2], records[1].ArrayTaskIds);
        Assert.Equal([3, 4, 5, 9], records[2].ArrayTaskIds);
        Assert.Equal("Resources", records[2].Reason);
    }

    [Fact]
    public void ExpandsAndCompactsIndexLists()
    {
        Assert.Equal([1, 3, 5, 7], SlurmJobRecord.ExpandIndices("1-7:2"));
        Assert.Equal("0,2-4,9", SlurmJobRecord.CompactIndices([4, 2, 9, 3, 0, 3]));
    }

    [Theory]
    [InlineData("COMPLETED", true, false)]
    [InlineData("FAILED", true, true)]
    [InlineData("CANCELLED", true, true)]
    [InlineData("TIMEOUT", true, true)]
    [InlineData("PENDING", false, false)]
    [InlineData("RUNNING", false, false)]
    public void ClassifiesStates(string state, bool finished, bool failure)
    {
        Assert.Equal(finished, SlurmJobRecord.IsFinished(state));
        Assert.Equal(failure, SlurmJobRecord.IsFailure(state));
    }
}
