#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Sets VER_FLG_WEAK on the Vernaux entry naming Version in each library's .gnu.version_r section,
// when the machine's libstdc++ does not provide that version (or always, with OnlyWhenMachineLacksIt false: a tool
// package is built here but loads elsewhere). Idempotent; writes via temp file + rename.
public class WeakenGlibcxxRequirement : Task
{
    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Version { get; set; } = "";
    public bool OnlyWhenMachineLacksIt { get; set; } = true;

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    static readonly string[] LibstdcxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
    };

    public override bool Execute()
    {
        if (OnlyWhenMachineLacksIt && !MachineLacks()) return true;
        foreach (var item in Libraries)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                byte[] elf = File.ReadAllBytes(path);
                switch (Weaken(elf, Version))
                {
                    case Outcome.Patched:
                        string tmp = path + ".patching";
                        File.WriteAllBytes(tmp, elf);
                        File.Replace(tmp, path, null);
                        Log.LogMessage(MessageImportance.High, OnlyWhenMachineLacksIt
                            ? $"Marked {Version} weak in {path} (this machine's libstdc++ lacks it)."
                            : $"Marked {Version} weak in {path} (for machines whose libstdc++ lacks it).");
                        break;
                    case Outcome.AlreadyWeak:
                        Log.LogMessage(MessageImportance.Low, $"{path}: {Version} already weak.");
                        break;
                    case Outcome.NotRequired:
                        Log.LogMessage(MessageImportance.Low, $"{path} does not require {Version}.");
                        break;
                }
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogError($"{path}: cannot weaken {Version} requirement: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    bool MachineLacks()
    {
        string? libstdcxx = Array.Find(LibstdcxxCandidates, File.Exists);
        if (libstdcxx == null)
        {
            Log.LogMessage(MessageImportance.Low, "libstdc++.so.6 not found in the usual places; TorchSharp native library left as shipped.");
            return false;
        }
        if (ContainsAscii(File.ReadAllBytes(libstdcxx), Version))
        {
            Log.LogMessage(MessageImportance.Low, $"{libstdcxx} provides {Version}; no patch needed.");
            return false;
        }
        return true;
    }

    enum Outcome { Patched, AlreadyWeak, NotRequired }

    static Outcome Weaken(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)shoff + link * shentsize) + 0x18));
            int need = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, need + 2);
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (int a = 0; a < count; a++)
                {
                    int name = strtab + (int)BitConverter.ToUInt32(elf, aux + 8);
                    if (ReadCString(elf, name) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlgWeak) != 0) return Outcome.AlreadyWeak;
                        flags |= VerFlgWeak;
                        elf[aux + 4] = (byte)(flags & 0xff);
                        elf[aux + 5] = (byte)(flags >> 8);
                        return Outcome.Patched;
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, need + 12);
                if (next == 0) break;
                need += (int)next;
            }
        }
        return Outcome.NotRequired;
    }

    static string ReadCString(byte[] data, int start)
    {
        int end = start;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, start, end - start);
    }

    static bool ContainsAscii(byte[] haystack, string needle)
    {
        byte[] n = Encoding.ASCII.GetBytes(needle + "\0");
        for (int i = 0; i + n.Length <= haystack.Length; i++)
        {
            if (haystack[i] != n[0]) continue;
            int j = 1;
            while (j < n.Length && haystack[i + j] == n[j]) j++;
            if (j == n.Length) return true;
        }
        return false;
    }
}
