// The seed objects the use cases read. A target must hold them (as the NPP sample flows assume);
// a missing one is reported as a failed precondition, not as a crash.
export const SEARCH_POINT = { latitude: 53.4806, longitude: -2.2428 };
export const PIAZZA = 'QP_GB_G7HRF7Y';
export const DEANSGATE = '805428';
export const ARNDALE = '805432';
export const UC2_PLACE = '001702e7-99f6-4e48-ac7c-df412907b29b';
export const UC4_PLACE = '220001';
export const ARNDALE_SPEC = '6091d5d0-5264-4d66-a31a-1a9e2c9eed89';
export const UC2_SPEC = 'a298d061-a30c-4a5a-bfe0-308f20d3ddc7';
export const UC4_SPEC = '0ab95c73-4c2b-4fe3-8528-0403c7734b92';
export const ARNDALE_RATE = '0376c349-ed20-4f6f-9551-1a82f9f5f734';
export const MS00MS_RIGHT = 'bec97cab-8eb7-4868-be9f-da95fa17d19e';
