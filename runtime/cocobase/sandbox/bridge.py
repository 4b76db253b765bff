# The worker's JavaScript functions: bound by bind() after each start (a memory snapshot holds no JavaScript
# references), called by the db object and the output capture, never reachable from user code.

# call(operation, arguments_json) -> answer_json, or "!" + error_json.
call = None
# insert_rows(records) -> "" or "!" + error_json, for batches of create_document.
insert_rows = None
# emit(line): one line of print() output, delivered while the function still runs.
emit = None


def bind(bridge_call, bridge_insert_rows, bridge_emit):
    """Binds the worker's functions."""
    global call, insert_rows, emit
    call = bridge_call
    insert_rows = bridge_insert_rows
    emit = bridge_emit
