"""Runs one cell on the ttlora kernel through Jupyter's own client and prints what the kernel sent, as one JSON object.

Usage: run_cell.py KERNEL_NAME CODE [TIMEOUT_SECONDS]
The kernelspec KERNEL_NAME must be findable through JUPYTER_PATH. Every iopub message tied to the request is kept in
arrival order (type, content, seconds since the request), so tests can check displays and their in-place updates.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel


def main():
    kernel_name, code = sys.argv[1], sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 300
    km, kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=120)
    try:
        started = time.perf_counter()
        msg_id = kc.execute(code)
        outputs = []
        while True:
            msg = kc.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status":
                if msg["content"]["execution_state"] == "idle":
                    break
                continue
            outputs.append({"type": msg["msg_type"], "content": msg["content"], "seconds": time.perf_counter() - started})
        while True:
            reply = kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        print(json.dumps({"reply": reply["content"], "outputs": outputs}))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        km.cleanup_resources()


if __name__ == "__main__":
    main()
