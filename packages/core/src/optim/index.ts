// Barrel for optim/; each concept lives in its own file and is re-exported here.
export {};
