// Barrel for models/; each concept lives in its own file and is re-exported here.
export {};
