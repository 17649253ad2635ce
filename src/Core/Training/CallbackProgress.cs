namespace TtLora.Core.Training;

/// <summary>IProgress that calls back on the reporting thread (Progress&lt;T&gt; posts to a synchronization context or the thread pool).</summary>
public sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
