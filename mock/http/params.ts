// Route parameters as plain strings (Express types allow arrays for wildcard segments).
import type { Request } from 'express';

export const idOf = (req: Request): string => String(req.params.id);
