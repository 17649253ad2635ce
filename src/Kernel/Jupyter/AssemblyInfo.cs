using System.Runtime.CompilerServices;

// The kernel's parsing and protocol pieces are tested directly, besides the end-to-end runs through Jupyter.
[assembly: InternalsVisibleTo("TtLora.Kernel.Tests")]
