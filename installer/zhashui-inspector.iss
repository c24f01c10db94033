; Inno Setup 6 script: setup.exe for the one-folder program built by build_installer.spec.
;
;   pyinstaller build_installer.spec --noconfirm         (makes dist\ZhashuiInspector\)
;   iscc installer\zhashui-inspector.iss                  (makes dist\ZhashuiInspector-<version>-setup.exe)
;
; Installs per user without administrator rights (inspectors' laptops often have none);
; run as administrator, it offers an installation for all users. Creates the Start-menu
; entry, associates .zsi work files with the program and adds it to "Open with" for
; .sqlite work files (and, if the box stays ticked, makes it their default program).
; The version comes from the version resource of the built executable. The file is
; UTF-8 with a byte-order mark, which Inno Setup needs to read the Chinese texts.

#define AppName "柞水县复查验收评估"
#define AppExe "ZhashuiInspector.exe"
#define BuiltApp SourcePath + "..\dist\ZhashuiInspector"
#define ProgId "ZhashuiInspector.WorkFile"
#ifndef AppVersion
  #define AppVersion GetStringFileInfo(BuiltApp + "\" + AppExe, "ProductVersion")
#endif

[Setup]
AppId={{537B5395-4F4C-4CCB-925B-4D449CF6055E}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=中共柞水县委全面依法治县委员会办公室
DefaultDirName={autopf}\ZhashuiInspector
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist
OutputBaseFilename=ZhashuiInspector-{#AppVersion}-setup
#if FileExists(SourcePath + "..\resources\icons\zhashui-inspector.ico")
SetupIconFile=..\resources\icons\zhashui-inspector.ico
#endif
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
; An upgrade closes a running program first (its work files are saved after every edit).
CloseApplications=yes
RestartApplications=no

[Languages]
; Simplified Chinese ships with Inno Setup only as a contributed translation: put
; ChineseSimplified.isl into the compiler's Languages folder to get a Chinese wizard.
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
Name: "en"; MessagesFile: "compiler:Default.isl"
#endif

[Tasks]
Name: "sqliteassoc"; Description: "双击 .sqlite 工作文件时用本程序打开"; GroupDescription: "文件关联："
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program folder; stale Qt plugins of an older Qt must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BuiltApp}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "柞水县法治政府建设示范单位复查验收评估"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The work-file type: name, icon, and "open" passing the file as the only argument (the
; program treats a single path as "open this file in the window").
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "柞水县复查验收评估工作文件"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
; .zsi belongs to the program.
Root: HKA; Subkey: "Software\Classes\.zsi"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.zsi\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
; .sqlite is shared with other SQLite tools: always in "Open with", the default only if chosen.
Root: HKA; Subkey: "Software\Classes\.sqlite\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.sqlite"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue; Tasks: sqliteassoc
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".sqlite"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".zsi"; ValueData: ""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
