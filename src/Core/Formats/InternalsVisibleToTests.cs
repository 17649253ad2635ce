using System.Runtime.CompilerServices;

// Tests exercise the chunked read/write paths with tiny chunk sizes instead of multi-gigabyte tensors.
[assembly: InternalsVisibleTo("TtLora.Core.Tests")]
