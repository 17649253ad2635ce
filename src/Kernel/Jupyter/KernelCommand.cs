using System.CommandLine;

namespace TtLora.Kernel.Jupyter;

/// <summary>
/// The <c>kernel</c> verb family of the executable: <c>kernel --connection-file FILE</c> serves Jupyter;
/// <c>kernel install</c> registers the kernelspec that makes front ends start it. Errors read as the other
/// verbs' do: one line on stderr, exit code 2 for usage and 1 for failures.
/// </summary>
public static class KernelCommand
{
    public const string Name = "kernel";

    public static Command Build(TextWriter output, TextWriter error)
    {
        var connectionFile = new Option<string?>("--connection-file") { Description = "The connection file Jupyter wrote for this kernel", HelpName = "FILE" };
        var kernel = new Command(Name, "Serve the Jupyter kernel (front ends start it through the kernelspec `kernel install` writes)") { connectionFile };
        kernel.Validators.Add(result =>
        {
            if (result.Command == kernel && result.GetResult(connectionFile) is null)
                result.AddError("--connection-file FILE is required (Jupyter passes it; to register the kernel run `ttlora kernel install`)");
        });
        kernel.SetAction(parse => JupyterKernel.Serve(parse.GetValue(connectionFile)!, error));
        kernel.Add(BuildInstall(output));
        return kernel;
    }

    static Command BuildInstall(TextWriter output)
    {
        var user = new Option<bool>("--user") { Description = "Install for the current user (the default)" };
        var prefix = new Option<string?>("--prefix") { Description = "Install under PREFIX/share/jupyter/kernels (e.g. a virtual environment)", HelpName = "PREFIX" };
        var jupyterPath = new Option<string?>("--jupyter-path") { Description = "Install under DIR/kernels, for a folder listed in JUPYTER_PATH", HelpName = "DIR" };
        var name = new Option<string>("--name") { Description = "Kernelspec name (notebooks refer to it)", DefaultValueFactory = _ => KernelSpec.DefaultName, HelpName = "NAME" };
        var displayName = new Option<string>("--display-name") { Description = "Name shown in kernel pickers", DefaultValueFactory = _ => KernelIdentity.DefaultDisplayName, HelpName = "TEXT" };
        var install = new Command("install", "Write the kernelspec that lets Jupyter front ends start this kernel") { user, prefix, jupyterPath, name, displayName };
        install.Validators.Add(result =>
        {
            var given = new[] { user, (Option)prefix, jupyterPath }.Where(o => result.GetResult(o) is not null).Select(o => o.Name).ToList();
            if (given.Count > 1) result.AddError($"{string.Join(", ", given)}: choose one install location");
        });
        install.SetAction(parse =>
        {
            string kernels = parse.GetValue(prefix) is { } p ? Path.Combine(p, "share", "jupyter", "kernels")
                : parse.GetValue(jupyterPath) is { } j ? Path.Combine(j, "kernels")
                : Path.Combine(KernelSpec.UserDataFolder(), "kernels");
            string path = KernelSpec.Install(kernels, parse.GetValue(name)!, parse.GetValue(displayName)!);
            output.WriteLine($"Installed kernelspec {parse.GetValue(name)} in {Path.GetDirectoryName(path)}");
            return 0;
        });
        return install;
    }
}
